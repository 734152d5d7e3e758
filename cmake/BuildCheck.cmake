# Builds the check unit-test library from Debian's source package into the
# build tree, once: a later configure reuses the installed copy. The same
# source serves the mingw build (Debian ships no mingw build of check) and
# the host build, so both run the unit suites on the same check.
#
# Result: imported target check::check (static library + headers).

set(CHECK_ROOT    ${CMAKE_BINARY_DIR}/_check)
set(CHECK_PREFIX  ${CHECK_ROOT}/install)
set(CHECK_LIB     ${CHECK_PREFIX}/lib/libcheck.a)

if(NOT EXISTS ${CHECK_LIB})
  file(MAKE_DIRECTORY ${CHECK_ROOT}/src)
  file(GLOB _check_dirs ${CHECK_ROOT}/src/check-*)
  if(NOT _check_dirs)
    message(STATUS "check: fetching Debian source package (apt-get source check)")
    execute_process(COMMAND apt-get source check
      WORKING_DIRECTORY ${CHECK_ROOT}/src
      RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
    file(GLOB _check_dirs ${CHECK_ROOT}/src/check-*)
    if(NOT _check_dirs)
      message(FATAL_ERROR "check: 'apt-get source check' failed (${_rc}): ${_err}\n"
        "Run scripts/install-deps.sh as root first (it adds the deb-src line).")
    endif()
  endif()
  list(GET _check_dirs 0 _check_src)
  message(STATUS "check: building ${_check_src} (${CMAKE_SYSTEM_NAME})")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${_check_src} -B ${CHECK_ROOT}/build
      -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}
      -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_INSTALL_PREFIX=${CHECK_PREFIX}
      -DBUILD_TESTING=OFF -DCHECK_ENABLE_TESTS=OFF
      -DCHECK_ENABLE_TIMEOUT_TESTS=OFF
    RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "check: configure failed: ${_err}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${CHECK_ROOT}/build
      --target install --parallel 2
    RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0 OR NOT EXISTS ${CHECK_LIB})
    message(FATAL_ERROR "check: build failed: ${_err}")
  endif()
endif()

add_library(check::check STATIC IMPORTED GLOBAL)
set_target_properties(check::check PROPERTIES
  IMPORTED_LOCATION ${CHECK_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${CHECK_PREFIX}/include)
if(EXISTS ${CHECK_PREFIX}/lib/libcompat.a)
  set_property(TARGET check::check APPEND PROPERTY
    INTERFACE_LINK_LIBRARIES ${CHECK_PREFIX}/lib/libcompat.a)
endif()
# check's mingw build uses winpthreads; -static (global) keeps it in the exe.
set_property(TARGET check::check APPEND PROPERTY INTERFACE_LINK_OPTIONS -pthread)
if(NOT CMAKE_CROSSCOMPILING)
  # On Linux check also needs the maths and real-time libraries.
  set_property(TARGET check::check APPEND PROPERTY INTERFACE_LINK_LIBRARIES m rt)
endif()
