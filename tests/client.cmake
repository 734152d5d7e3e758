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

# The script executor: its own suite, with the COM objects it is tested
# against (a recorder, a collection, an event source) in helper files.
if(TARGET csclient)
  comstress_add_check_test(test_script SOURCES test_script.c test_script_events.c script_objects.c script_source.c
                           LIBS csclient csledger comstress_idl)
  add_dependencies(test_script comserver)
endif()
