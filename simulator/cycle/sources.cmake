# The SystemC cycle-level chip model (docs/simulator.md): one hardware block per file.
target_sources(neurokv_simulator PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/chip.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chrome_trace.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dma.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dram.cpp
  ${CMAKE_CURRENT_LIST_DIR}/event_draw.cpp
  ${CMAKE_CURRENT_LIST_DIR}/node.cpp
  ${CMAKE_CURRENT_LIST_DIR}/np.cpp
  ${CMAKE_CURRENT_LIST_DIR}/result_wire.cpp
  ${CMAKE_CURRENT_LIST_DIR}/router.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sequencer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/simulate.cpp
)
