foreach(f checkpoint session synthetic_recipe trainer training_data)
  target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${f}.cpp)
endforeach()
