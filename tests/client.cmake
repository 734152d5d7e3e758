# Suites owned by client/: the call text parser and the cache structures
# (pure), late binding against the reference server and Scripting.Dictionary,
# and the caching policies.
comstress_add_check_test(test_callspec SOURCES test_callspec.c LIBS csclient_pure)
comstress_add_check_test(test_bindcache SOURCES test_bindcache.c LIBS csclient_pure)
foreach(suite test_client test_dispcache)
  if(TARGET csclient AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${suite}.c)
    comstress_add_check_test(${suite} SOURCES ${suite}.c LIBS csclient comstress_idl)
    add_dependencies(${suite} comserver)
  endif()
endforeach()
