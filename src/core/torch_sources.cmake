target_sources(dign_lib PRIVATE ${CMAKE_CURRENT_LIST_DIR}/threads.cpp ${CMAKE_CURRENT_LIST_DIR}/torch_rng.cpp
                               ${CMAKE_CURRENT_LIST_DIR}/device.cpp)
