target_sources(neurokv_simulator PRIVATE
  analytic_estimator.cpp
  program_facts.cpp
  work.cpp
)
