# Test plumbing. Every check suite is its own CTest test with a label:
#   unit       the portable core (also built and run natively: preset host)
#   com        the reference server, late binding, ledger, spy, samplers
#   cli        comstress.exe end to end
#   lifecycle  child processes, the watchdog, DLL lifecycle scenarios
# In the Windows build each suite runs under Wine (the emulator set in
# ComstressWine.cmake) in the build tree's private prefix, after the
# wine_setup fixture and before wine_cleanup (tests/support).

set(COMSTRESS_TEST_LABELS unit com cli lifecycle)

# comstress_add_check_test(NAME LABEL label SOURCES src... [LIBS lib...] [ARGS arg...])
# Builds a check runner and registers it as a CTest test. CK_FORK=no: check
# cannot fork on Windows, and the host runs the same way; one crash ends
# only this test.
function(comstress_add_check_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS;ARGS" ${ARGN})
  if(NOT T_LABEL IN_LIST COMSTRESS_TEST_LABELS)
    message(FATAL_ERROR "${name}: LABEL must be one of ${COMSTRESS_TEST_LABELS}, not '${T_LABEL}'")
  endif()
  foreach(src ${T_SOURCES})
    if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${src})
      message(FATAL_ERROR "${name}: source ${CMAKE_CURRENT_SOURCE_DIR}/${src} is missing")
    endif()
  endforeach()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE check::check cs_unit ${T_LIBS})
  if(CMAKE_CROSSCOMPILING)
    # wine-run --suite: a suite that ends before its own code ran (a
    # start that failed under Wine) is started once more, and says so.
    set_target_properties(${name} PROPERTIES CROSSCOMPILING_EMULATOR "${COMSTRESS_WINE_RUN};--suite")
    target_link_libraries(${name} PRIVATE cs_testutil)
    # check's ck_assert_int_eq prints with %jd: use the C99 printf family so
    # the format checks (and the output) are right under mingw.
    target_compile_definitions(${name} PRIVATE __USE_MINGW_ANSI_STDIO=1)
  endif()
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS ${T_LABEL} TIMEOUT 300)
  if(CMAKE_CROSSCOMPILING)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED wine
      ENVIRONMENT "CK_FORK=no;CK_VERBOSITY=normal;COMSTRESS_SERVER_DLL=Z:$<TARGET_FILE:comserver>;COMSTRESS_EXE=Z:$<TARGET_FILE:comstress>;COMSTRESS_SOURCE_DIR=Z:${CMAKE_SOURCE_DIR}")
  else()
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "CK_FORK=no;CK_VERBOSITY=normal;COMSTRESS_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
endfunction()

# comstress_add_check_cases(RUNNER CASE name [CASE name...])
# Splits the check runner RUNNER (made by comstress_add_check_test) into
# one CTest entry per test case: RUNNER runs the first case, RUNNER_<name>
# each further one, so that a long suite runs beside itself under ctest -j.
# A case name that matches no test case fails its entry (cs_run_suite
# fails when nothing ran), never passes empty.
function(comstress_add_check_cases runner)
  cmake_parse_arguments(T "" "" "CASE" ${ARGN})
  list(POP_FRONT T_CASE first)
  get_test_property(${runner} LABELS label)
  get_test_property(${runner} TIMEOUT timeout)
  get_test_property(${runner} ENVIRONMENT env)
  get_test_property(${runner} FIXTURES_REQUIRED fixtures)
  set_property(TEST ${runner} APPEND PROPERTY ENVIRONMENT "CK_RUN_CASE=${first}")
  foreach(case ${T_CASE})
    add_test(NAME ${runner}_${case} COMMAND ${runner})
    set_tests_properties(${runner}_${case} PROPERTIES LABELS ${label} TIMEOUT ${timeout}
      ENVIRONMENT "${env};CK_RUN_CASE=${case}")
    if(fixtures)
      set_tests_properties(${runner}_${case} PROPERTIES FIXTURES_REQUIRED ${fixtures})
    endif()
  endforeach()
endfunction()

# comstress_add_shell_test(NAME SCRIPT LABEL label TIMEOUT seconds [BARE]
#                          ARGS arg...)
# A test written as a shell script (tests/*/NAME.sh): it passes when it
# prints "SCRIPT: all checks passed" and fails on any line with "FAIL ".
# It runs after the wine_setup fixture unless BARE (a script that makes a
# prefix of its own). A missing script is a configure error.
function(comstress_add_shell_test name script)
  cmake_parse_arguments(T "BARE" "LABEL;TIMEOUT" "ARGS" ${ARGN})
  if(NOT T_LABEL IN_LIST COMSTRESS_TEST_LABELS)
    message(FATAL_ERROR "${name}: LABEL must be one of ${COMSTRESS_TEST_LABELS}, not '${T_LABEL}'")
  endif()
  if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${script})
    message(FATAL_ERROR "${name}: script ${CMAKE_CURRENT_SOURCE_DIR}/${script} is missing")
  endif()
  string(REPLACE "." "\\." pass "${script}")
  add_test(NAME ${name} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/${script} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS ${T_LABEL}
    PASS_REGULAR_EXPRESSION "${pass}: all checks passed" FAIL_REGULAR_EXPRESSION "FAIL ")
  if(NOT T_BARE)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED wine)
  endif()
endfunction()
