foreach(f divergence noise standard dign gaussian_noise rse registry)
  target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${f}.cpp)
endforeach()
