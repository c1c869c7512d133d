foreach(f checkpoint session step synthetic_recipe throughput trainer training_data)
  target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${f}.cpp)
endforeach()
