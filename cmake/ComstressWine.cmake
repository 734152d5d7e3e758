# The private Wine prefix in the build tree and the wrapper every Windows
# program of the build runs through (tests, the comstress command, benches).
#
# The wrapper (build/wine-run) exports WINEPREFIX, WINEDEBUG=-all and the
# DLL overrides that keep Wine from asking for Mono/Gecko or starting the
# crash debugger, boots the prefix on first use, then runs wine.

set(COMSTRESS_WINEPREFIX ${CMAKE_BINARY_DIR}/wineprefix)
find_program(WINE_PROGRAM wine REQUIRED)
find_program(WINESERVER_PROGRAM wineserver REQUIRED)
find_program(WIDL_PROGRAM widl PATHS /usr/lib/wine REQUIRED)

configure_file(${CMAKE_SOURCE_DIR}/scripts/wine-run.in
  ${CMAKE_BINARY_DIR}/wine-run @ONLY
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(COMSTRESS_WINE_RUN ${CMAKE_BINARY_DIR}/wine-run)
set(CMAKE_CROSSCOMPILING_EMULATOR ${COMSTRESS_WINE_RUN})

# The comstress command (scripts/comstress.in, docs/install.md): comstress.exe
# under Wine as a Unix command. build/comstress runs the build tree's
# programs in the build's prefix; the installed one (bin/comstress) runs
# those installed beside it, in a prefix in the user's cache folder.
set(COMSTRESS_LAUNCH_EXE ${CMAKE_BINARY_DIR}/stress/comstress.exe)
set(COMSTRESS_LAUNCH_SERVER ${CMAKE_BINARY_DIR}/comserver/comstress_server.dll)
set(COMSTRESS_LAUNCH_PREFIX ${COMSTRESS_WINEPREFIX})
configure_file(${CMAKE_SOURCE_DIR}/scripts/comstress.in
  ${CMAKE_BINARY_DIR}/comstress @ONLY
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(COMSTRESS_LAUNCH_EXE "%HERE%/../lib/comstress/comstress.exe")
set(COMSTRESS_LAUNCH_SERVER "%HERE%/../lib/comstress/comstress_server.dll")
set(COMSTRESS_LAUNCH_PREFIX cache)
configure_file(${CMAKE_SOURCE_DIR}/scripts/comstress.in
  ${CMAKE_BINARY_DIR}/install/comstress @ONLY)
install(PROGRAMS ${CMAKE_BINARY_DIR}/install/comstress DESTINATION bin)
