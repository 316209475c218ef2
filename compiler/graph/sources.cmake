target_sources(neurokv_compiler PRIVATE
  graph/frontend.cpp
  graph/graph.cpp
  graph/graph_text.cpp
)
