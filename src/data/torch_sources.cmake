target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/loader.cpp)
