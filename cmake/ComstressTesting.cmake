# Test plumbing: every check suite is its own CTest test run under Wine in
# the build tree's private prefix, after the wine_setup fixture (boot the
# prefix, start its wineserver, register the reference server) and before
# wine_cleanup (stop that prefix's wineserver only).

add_test(NAME wine_setup
  COMMAND sh ${CMAKE_SOURCE_DIR}/tests/wine-setup.sh ${COMSTRESS_WINE_RUN}
          $<TARGET_FILE:comserver>)
set_tests_properties(wine_setup PROPERTIES FIXTURES_SETUP wine TIMEOUT 180)
add_test(NAME wine_cleanup COMMAND ${COMSTRESS_WINE_RUN} --stop)
set_tests_properties(wine_cleanup PROPERTIES FIXTURES_CLEANUP wine)

# comstress_add_check_test(NAME SOURCES src... [LIBS lib...] [ARGS arg...])
# Builds a check runner linked statically and registers it as a CTest test.
# CK_FORK=no: check cannot fork on Windows; one crash ends only this test.
function(comstress_add_check_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;ARGS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE check::check cs_testutil ${T_LIBS})
  # check's ck_assert_int_eq prints with %jd: use the C99 printf family so
  # the format checks (and the output) are right under mingw.
  target_compile_definitions(${name} PRIVATE __USE_MINGW_ANSI_STDIO=1)
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "CK_FORK=no;CK_VERBOSITY=normal;COMSTRESS_SERVER_DLL=Z:$<TARGET_FILE:comserver>;COMSTRESS_EXE=Z:$<TARGET_FILE:comstress>;COMSTRESS_SOURCE_DIR=Z:${CMAKE_SOURCE_DIR}"
    FIXTURES_REQUIRED wine TIMEOUT 300)
endfunction()
