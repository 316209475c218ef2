// The `neurokv._neurokv` extension: the study library (study/) bound for Python, nothing decided here. Each
// call that compiles, simulates, executes or sweeps releases the GIL; its diagnostics come back as
// (severity, message) pairs for the Python layer (python/neurokv/__init__.py) to issue as warnings and log
// records, since Python cannot be called while the GIL is released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <new>
#include <thread>

#include "compiler/driver/compile_summary.hpp"
#include "compiler/ir/parser.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/support/error.hpp"
#include "simulator/report_render.hpp"
#include "study/compile_variant.hpp"
#include "study/data_dir.hpp"
#include "study/exec.hpp"
#include "study/simulate.hpp"
#include "study/study.hpp"
#include "study/sweep_spec.hpp"

namespace py = pybind11;

namespace neurokv::python {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;  // (severity, message)

// Collects diagnostics from any thread (a sweep's workers included).
class Collector {
 public:
  study::DiagnosticSink sink() {
    return [this](const Diagnostic& d) { add(d); };
  }
  void add(const Diagnostic& d) {
    const std::lock_guard<std::mutex> lock(mutex_);
    pairs_.emplace_back(to_string(d.severity), d.message);
  }
  void add(const Diagnostics& all) {
    for (const Diagnostic& d : all) add(d);
  }
  Pairs pairs() const { return pairs_; }

 private:
  std::mutex mutex_;
  Pairs pairs_;
};

// A loaded model: the source it was loaded from (a name or a path, as messages name it) and the model.
struct Model {
  std::string source;
  ModelSource model;
};

struct Chip {
  std::string source;
  HwConfig hw;
};

struct Program {
  ir::Program program;
  std::string summary;  // compile_summary() as JSON text
  Pairs diagnostics;
};

// A report and what was said while making it.
struct Result {
  std::string json;
  Pairs diagnostics;
};

Result report_result(const Report& report, Collector& collector) {
  for (const VariantReport& v : report.variants) collector.add(v.diagnostics);
  return {report_json(report).dump(2), collector.pairs()};
}

study::Study make_study(const Model& model, const Chip& chip, study::StudyOptions options) {
  options.model = model.source;
  options.hw = chip.source;
  std::optional<functional::StoredWeights> stored = study::read_stored_weights(options);
  study::Study s = study::make_study(model.model, chip.hw, options);
  s.stored_weights = std::move(stored);
  return s;
}

Result estimate(const Model& model, const Chip& chip, const study::StudyOptions& options, int64_t prompt) {
  const py::gil_scoped_release release;
  Collector collector;
  study::Study loaded = make_study(model, chip, options);
  const Report report = study::estimate(loaded, options, prompt, collector.sink());
  collector.add(loaded.notes);
  return report_result(report, collector);
}

Result run(const Model& model, const Chip& chip, const study::StudyOptions& options,
           const study::RunOptions& run_options) {
  const py::gil_scoped_release release;
  Collector collector;
  study::Study loaded = make_study(model, chip, options);
  const Report report = study::run(loaded, options, run_options, collector.sink());
  collector.add(loaded.notes);
  return report_result(report, collector);
}

Program compile(const Model& model, const Chip& chip, const study::StudyOptions& options) {
  const py::gil_scoped_release release;
  Collector collector;
  const study::Study loaded = make_study(model, chip, options);
  std::vector<PassText> texts;
  CompileResult result = study::compile_variant(loaded, options.variants, {}, texts);
  collector.add(loaded.notes);
  collector.add(result.diagnostics);
  const std::string summary = compile_summary(result).dump(2);
  return {std::move(result.program), summary, collector.pairs()};
}

// `where` names the program in messages: its file, or "<compiled VARIANT>" for one compiled in Python.
Result simulate(const ir::Program& program, const std::string& where, const std::string& chip,
                const EvaluateOptions& options) {
  const py::gil_scoped_release release;
  Collector collector;
  const study::Simulation simulation = study::simulate(program, where, chip, options, collector.sink());
  collector.add(simulation.notes);
  return report_result(simulation.report, collector);
}

ir::Program load_program(const std::string& path) {
  const py::gil_scoped_release release;
  return ir::load_program(path);
}

// The report (JSON text), the logits of every input position (windows one after the other) and the
// diagnostics.
py::tuple execute(const study::ExecOptions& options) {
  Collector collector;
  study::Execution execution;
  {
    const py::gil_scoped_release release;
    execution = study::execute(options, collector.sink());
  }
  std::size_t positions = 0;
  for (const functional::Logits& window : execution.logits) positions += window.size();
  const auto vocab = static_cast<py::ssize_t>(execution.vocab);
  py::array_t<float> logits({static_cast<py::ssize_t>(positions), vocab});
  float* out = logits.mutable_data();
  for (const functional::Logits& window : execution.logits) {
    for (const std::vector<float>& row : window) out = std::copy(row.begin(), row.end(), out);
  }
  return py::make_tuple(execution.report.dump(2), logits, collector.pairs());
}

// Runs the sweep on a thread of its own so that the calling thread can take Ctrl-C (Python handles signals
// only on the main thread, between bytecodes): on one, the sweep stops taking points (those done stay
// journaled for resume=True) and KeyboardInterrupt is raised.
py::tuple sweep(const std::string& spec, const std::string& out, int jobs, const std::string& shard,
                bool resume) {
  sweep::RunOptions options;
  options.jobs = jobs;
  options.resume = resume;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  Collector collector;
  study::SweepRun run;
  std::exception_ptr failure;
  std::atomic<bool> done{false};
  {
    const py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        run = study::run_sweep_spec(spec, shard, out, options, collector.sink());
      } catch (...) {
        failure = std::current_exception();
      }
      done = true;
    });
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) stop = true;  // the exception stays set; raised below
    }
    worker.join();
  }
  if (PyErr_Occurred()) throw py::error_already_set();
  if (failure) std::rethrow_exception(failure);
  collector.add(run.outcome.diagnostics);
  return py::make_tuple(run.outcome.complete, run.outcome.progress.total, collector.pairs());
}

// The merged results' point count and the diagnostics.
py::tuple sweep_merge(const std::vector<std::string>& shards, const std::string& out) {
  Collector collector;
  std::size_t points = 0;
  {
    const py::gil_scoped_release release;
    points = study::merge_sweep_shards(shards, out, collector.sink()).points;
  }
  return py::make_tuple(points, collector.pairs());
}

}  // namespace
}  // namespace neurokv::python

PYBIND11_MODULE(_neurokv, m) {
  using namespace neurokv;
  using namespace neurokv::python;
  m.doc() = "neurokv's C++ libraries bound for Python; use the `neurokv` package, not this module.";

  // Python's own classes, so `except neurokv.InputError` reads like the CLI's exit code 2.
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<RunError> run_error(m, "RunError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr failure) {
    try {
      if (failure) std::rethrow_exception(failure);
    } catch (const InputError& e) {
      PyErr_SetString(input_error.ptr(), e.what());
    } catch (const std::bad_alloc&) {
      throw;  // pybind11's MemoryError
    } catch (const py::error_already_set&) {
      throw;
    } catch (const std::exception& e) {
      // As the CLI: anything else a library throws is a failed run (exit code 1).
      PyErr_SetString(run_error.ptr(), e.what());
    }
  });

  py::class_<study::StudyOptions>(m, "StudyOptions")
      .def(py::init<>())
      .def_readwrite("variants", &study::StudyOptions::variants)
      .def_readwrite("default_variants", &study::StudyOptions::default_variants)
      .def_readwrite("context", &study::StudyOptions::context)
      .def_readwrite("weight_bits", &study::StudyOptions::weight_bits)
      .def_readwrite("act_bits", &study::StudyOptions::act_bits)
      .def_readwrite("kv_bits", &study::StudyOptions::kv_bits)
      .def_readwrite("no_fuse_kv", &study::StudyOptions::no_fuse_kv)
      .def_readwrite("ids", &study::StudyOptions::ids)
      .def_readwrite("text", &study::StudyOptions::text)
      .def_readwrite("events", &study::StudyOptions::events)
      .def_readwrite("synthetic_seed", &study::StudyOptions::synthetic_seed)
      .def_readwrite("weights_file", &study::StudyOptions::weights_file)
      .def_readwrite("threads", &study::StudyOptions::threads)
      .def_readwrite("model", &study::StudyOptions::model)
      .def_readwrite("hw", &study::StudyOptions::hw);

  py::class_<study::RunOptions>(m, "RunOptions")
      .def(py::init<>())
      .def_property(
          "fidelity", [](const study::RunOptions& o) { return std::string(to_string(o.fidelity)); },
          [](study::RunOptions& o, const std::string& name) {
            const std::optional<Fidelity> fidelity = fidelity_named(name);
            if (!fidelity) throw InputError(unknown_fidelity(name));
            o.fidelity = *fidelity;
          })
      .def_readwrite("prompt", &study::RunOptions::prompt)
      .def_readwrite("tokens", &study::RunOptions::tokens)
      .def_readwrite("decode_only", &study::RunOptions::decode_only)
      .def_readwrite("seed", &study::RunOptions::seed)
      .def_readwrite("seed_given", &study::RunOptions::seed_given)
      .def_readwrite("trace_path", &study::RunOptions::trace_path)
      .def_readwrite("vcd_path", &study::RunOptions::vcd_path);

  py::class_<EvaluateOptions>(m, "SimulateOptions")
      .def(py::init([] {
        EvaluateOptions o;
        o.fidelity = Fidelity::Transaction;
        return o;
      }))
      .def_readwrite("prompt", &EvaluateOptions::prompt)
      .def_readwrite("tokens", &EvaluateOptions::tokens)
      .def_readwrite("decode_only", &EvaluateOptions::decode_only)
      .def_readwrite("seed", &EvaluateOptions::seed)
      .def_readwrite("trace_path", &EvaluateOptions::trace_path)
      .def_readwrite("vcd_path", &EvaluateOptions::vcd_path);

  py::class_<study::ExecOptions>(m, "ExecOptions")
      .def(py::init<>())
      .def_readwrite("study", &study::ExecOptions::study)
      .def_readwrite("ids", &study::ExecOptions::ids)
      .def_readwrite("text", &study::ExecOptions::text)
      .def_readwrite("numerics", &study::ExecOptions::numerics)
      .def_readwrite("calibration", &study::ExecOptions::calibration)
      .def_readwrite("weights_file", &study::ExecOptions::weights_file)
      .def_readwrite("windows", &study::ExecOptions::windows);

  py::class_<Model>(m, "Model")
      .def_readonly("source", &Model::source)
      .def_property_readonly("name", [](const Model& x) { return x.model.spec.name; })
      .def_property_readonly("file", [](const Model& x) { return x.model.spec.file; })
      .def_property_readonly("layers", [](const Model& x) { return x.model.spec.layers; })
      .def_property_readonly("d_model", [](const Model& x) { return x.model.spec.d_model; })
      .def_property_readonly("heads", [](const Model& x) { return x.model.spec.heads; })
      .def_property_readonly("head_dim", [](const Model& x) { return x.model.spec.head_dim; })
      .def_property_readonly("mlp_hidden", [](const Model& x) { return x.model.spec.mlp_hidden; })
      .def_property_readonly("vocab", [](const Model& x) { return x.model.spec.vocab; })
      .def_property_readonly("max_positions", [](const Model& x) { return x.model.spec.max_positions; })
      .def_property_readonly("kv_groups", [](const Model& x) { return x.model.spec.kv_groups; })
      .def_property_readonly("has_weights", [](const Model& x) { return x.model.weights != nullptr; })
      .def_property_readonly("variant",
                             [](const Model& x) -> py::object {
                               if (!x.model.imported()) return py::none();
                               return py::str(x.model.detected_variant().name());
                             })
      .def_property_readonly("diagnostics", [](const Model& x) {
        Pairs pairs;
        for (const Diagnostic& d : x.model.diagnostics) pairs.emplace_back(to_string(d.severity), d.message);
        return pairs;
      });

  py::class_<Chip>(m, "Chip")
      .def_readonly("source", &Chip::source)
      .def_property_readonly("name", [](const Chip& x) { return x.hw.name; })
      .def_property_readonly("file", [](const Chip& x) { return x.hw.file; })
      .def_property_readonly("content_hash", [](const Chip& x) { return x.hw.content_hash; })
      .def_property_readonly("clock_hz", [](const Chip& x) { return x.hw.clock_hz; })
      .def_property_readonly("mesh",
                             [](const Chip& x) { return std::make_pair(x.hw.mesh_cols, x.hw.mesh_rows); })
      .def_property_readonly("nps_total", [](const Chip& x) { return x.hw.nps_total(); });

  py::class_<ir::Program>(m, "IrProgram")
      .def_property_readonly("variant", [](const ir::Program& p) { return p.variant; })
      .def_property_readonly("chip", [](const ir::Program& p) { return p.chip.name; })
      .def_property_readonly("context", [](const ir::Program& p) { return p.context; })
      .def("text", [](const ir::Program& p) { return ir::print_program(p); });

  py::class_<Program>(m, "CompiledProgram")
      .def_readonly("program", &Program::program)
      .def_readonly("summary", &Program::summary)
      .def_readonly("diagnostics", &Program::diagnostics);

  py::class_<Result>(m, "Result")
      .def_readonly("json", &Result::json)
      .def_readonly("diagnostics", &Result::diagnostics);

  m.def("data_root", &study::data_root);
  m.def("load_model", [](const std::string& source) {
    const py::gil_scoped_release release;
    return Model{source, load_model_source(source, study::data_dir("models"))};
  });
  m.def("load_chip", [](const std::string& source) {
    return Chip{source, load_hw(source, study::data_dir("hwconfigs"))};
  });
  m.def("estimate", &neurokv::python::estimate);
  m.def("run", &neurokv::python::run);
  m.def("compile", &neurokv::python::compile);
  m.def("simulate", &neurokv::python::simulate);
  m.def("load_program", &neurokv::python::load_program);
  m.def("execute", &neurokv::python::execute);
  m.def("sweep", &neurokv::python::sweep);
  m.def("sweep_merge", &sweep_merge);
}
