# Suites of the lifecycle module (issue 6): isolation (phase file, watchdog,
# classification) and the DLL lifecycle scenarios. Children are run from
# cs_lifecycle_driver, which finds the lifecycle DLLs next to itself.
if(TARGET cs_lifecycle AND TARGET cs_lifecycle_driver)
  comstress_add_check_test(test_isolate SOURCES test_isolate.c cs_child.c LIBS cs_lifecycle)
  comstress_add_check_test(test_lifecycle SOURCES test_lifecycle.c cs_child.c LIBS cs_lifecycle)
  foreach(_t test_isolate test_lifecycle)
    add_dependencies(${_t} cs_lifecycle_driver)
    set_property(TEST ${_t} APPEND PROPERTY ENVIRONMENT
      "COMSTRESS_LIFECYCLE_EXE=Z:$<TARGET_FILE:cs_lifecycle_driver>")
    set_tests_properties(${_t} PROPERTIES TIMEOUT 180)
  endforeach()
endif()
