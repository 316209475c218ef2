target_sources(neurokv_simulator PRIVATE
  analytic_estimator.cpp
  evaluate.cpp
  report_render.cpp
  program_facts.cpp
  work.cpp
)
