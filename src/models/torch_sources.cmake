foreach(f resnet registry inference memory_format)
  target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${f}.cpp)
endforeach()
