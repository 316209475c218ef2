target_sources(neurokv_simulator PRIVATE
  analytic_estimator.cpp
  evaluate.cpp
  phase_totals.cpp
  prefill_queue.cpp
  report_render.cpp
  program_facts.cpp
  static_power.cpp
  work.cpp
)
