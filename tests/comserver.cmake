# Suites owned by the reference server (comserver/): the check suite, and
# Wine's VBScript engine as an independent late-binding client.
comstress_add_check_test(test_comserver SOURCES test_comserver.c test_comserver_faults.c
  test_comserver_plumbing.c test_comserver_model.c
  test_comserver_model_faults.c test_comserver_sink.c
  test_comserver_util.c LIBS cs_faults comstress_idl)
add_dependencies(test_comserver comserver)

# cscript exits 0 even on a script error: the test passes only on the
# closing line the script prints when every check passed.
add_test(NAME comserver_vbs
  COMMAND ${COMSTRESS_WINE_RUN} cscript //nologo Z:${CMAKE_CURRENT_SOURCE_DIR}/vbs/target.vbs)
set_tests_properties(comserver_vbs PROPERTIES FIXTURES_REQUIRED wine TIMEOUT 120
  PASS_REGULAR_EXPRESSION "target\\.vbs: all [0-9]+ checks passed"
  FAIL_REGULAR_EXPRESSION "FAIL ")

# The same with Wine's JScript engine: another independent client with its
# own argument types (VT_R8 numbers) and garbage-collected releases.
add_test(NAME comserver_js
  COMMAND ${COMSTRESS_WINE_RUN} cscript //nologo Z:${CMAKE_CURRENT_SOURCE_DIR}/vbs/target.js)
set_tests_properties(comserver_js PROPERTIES FIXTURES_REQUIRED wine TIMEOUT 120
  PASS_REGULAR_EXPRESSION "target\\.js: all [0-9]+ checks passed"
  FAIL_REGULAR_EXPRESSION "FAIL ")

# The object model through VBScript: For Each over Items, the default
# member, by-reference and optional parameters, arrays, objects freed.
add_test(NAME comserver_model_vbs
  COMMAND ${COMSTRESS_WINE_RUN} cscript //nologo Z:${CMAKE_CURRENT_SOURCE_DIR}/vbs/model.vbs)
set_tests_properties(comserver_model_vbs PROPERTIES FIXTURES_REQUIRED wine TIMEOUT 120
  PASS_REGULAR_EXPRESSION "model\\.vbs: all [0-9]+ checks passed"
  FAIL_REGULAR_EXPRESSION "FAIL ")
