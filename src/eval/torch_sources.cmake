foreach(f evaluator report evaluate_run corruption_eval corruption_report)
  target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${f}.cpp)
endforeach()
