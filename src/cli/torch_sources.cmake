foreach(f run options train_cmd eval_cmd demo_cmd corrupt_cmd bench_cmd)
  target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${f}.cpp)
endforeach()
