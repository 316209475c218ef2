target_sources(neurokv_simulator PRIVATE
  analytic_estimator.cpp
  evaluate.cpp
  phase_totals.cpp
  report_render.cpp
  program_facts.cpp
  work.cpp
)
