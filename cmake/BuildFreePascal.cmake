# Builds the win64 runtime library of Free Pascal (Delphi's open
# counterpart) from Debian's fpc-source into the build tree, once: a later
# configure reuses it. The Pascal lifecycle DLLs (comserver/lifecycle/pascal)
# are compiled against it with Debian's compiler, ppcx64, so the DLLs carry
# the real runtime's threadvar code, not an imitation.
#
# Debian's fpc-source leaves two gaps, filled here:
#  - it ships only Makefile.fpc files: `fpcmake -Tall` makes the Makefiles
#    (in rtl/ and rtl/win64/);
#  - it lacks rtl/x86_64/makefile.cpu, two lines upstream (written below).
# The compiler runs with -n so /etc/fpc.cfg is not read: it would add a
# Linux tool prefix and unit paths that are wrong for win64. The runtime is
# built with DWARF 2 (-gw2), which Wine's dbghelp reads, so a traced
# allocation inside the runtime is named (function, file and line).
#
# Result: FPC_COMPILER (ppcx64), FPC_RTL_UNITS (the win64 units folder) and
# the function cs_pascal_dll() that compiles a Pascal `library`.

find_program(FPC_COMPILER ppcx64)
find_program(FPC_MAKE fpcmake)
find_program(FPC_GNU_MAKE NAMES make gmake)
if(NOT FPC_COMPILER OR NOT FPC_MAKE OR NOT FPC_GNU_MAKE)
  message(FATAL_ERROR "Free Pascal: ppcx64 (${FPC_COMPILER}), fpcmake (${FPC_MAKE}) and make "
    "(${FPC_GNU_MAKE}) are needed for the Pascal lifecycle DLLs.\n"
    "Run scripts/install-deps.sh as root first (packages fp-compiler, fp-utils, fpc-source).")
endif()
execute_process(COMMAND ${FPC_COMPILER} -iV OUTPUT_VARIABLE FPC_VERSION
  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
set(FPC_SOURCE_RTL /usr/share/fpcsrc/${FPC_VERSION}/rtl)
if(NOT _rc EQUAL 0 OR NOT EXISTS ${FPC_SOURCE_RTL}/win64/Makefile.fpc)
  message(FATAL_ERROR "Free Pascal: no runtime source for compiler version '${FPC_VERSION}' "
    "at ${FPC_SOURCE_RTL}.\nRun scripts/install-deps.sh as root first (package fpc-source).")
endif()

set(FPC_ROOT      ${CMAKE_BINARY_DIR}/_fpc)
# The runtime's Makefiles write their units to ../../rtl/units from win64/:
# the copy must be a folder named rtl.
set(FPC_RTL       ${FPC_ROOT}/rtl)
set(FPC_RTL_UNITS ${FPC_RTL}/units/x86_64-win64)
set(FPC_RTL_STAMP ${FPC_ROOT}/rtl-${FPC_VERSION}.built)

# Runs one step of the runtime build; a failure ends the configure with
# the step's name and its error output.
function(_fpc_step what dir)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${dir}
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    string(LENGTH "${_out}" _n)
    if(_n GREATER 3000)
      math(EXPR _from "${_n} - 3000")
      string(SUBSTRING "${_out}" ${_from} 3000 _out)
    endif()
    message(FATAL_ERROR "Free Pascal runtime: ${what} failed (${_rc}):\n${_out}\n${_err}")
  endif()
endfunction()

if(NOT EXISTS ${FPC_RTL_STAMP})
  string(TIMESTAMP _t0 "%s")
  message(STATUS "Free Pascal: building the win64 runtime ${FPC_VERSION} from ${FPC_SOURCE_RTL}")
  file(REMOVE_RECURSE ${FPC_ROOT})
  file(MAKE_DIRECTORY ${FPC_ROOT})
  file(COPY ${FPC_SOURCE_RTL} DESTINATION ${FPC_ROOT})
  _fpc_step("fpcmake -Tall in rtl" ${FPC_RTL} ${FPC_MAKE} -Tall)
  _fpc_step("fpcmake -Tall in rtl/win64" ${FPC_RTL}/win64 ${FPC_MAKE} -Tall)
  if(NOT EXISTS ${FPC_RTL}/x86_64/makefile.cpu)
    file(WRITE ${FPC_RTL}/x86_64/makefile.cpu
      "CPUNAMES=x86_64\nCPUINCNAMES=$(addsuffix .inc,$(CPUNAMES))\n")
  endif()
  _fpc_step("make in rtl/win64" ${FPC_RTL}/win64 ${FPC_GNU_MAKE} all
    CPU_TARGET=x86_64 OS_TARGET=win64 FPC=${FPC_COMPILER} "OPT=-n -gw2")
  if(NOT EXISTS ${FPC_RTL_UNITS}/system.ppu)
    message(FATAL_ERROR "Free Pascal runtime: make ran but ${FPC_RTL_UNITS}/system.ppu is missing")
  endif()
  string(TIMESTAMP _t1 "%s")
  math(EXPR _secs "${_t1} - ${_t0}")
  file(WRITE ${FPC_RTL_STAMP} "built in ${_secs} s\n")
  message(STATUS "Free Pascal: win64 runtime built in ${_secs} s (${FPC_RTL_UNITS})")
endif()

# Free Pascal's COM units (ComObj, ComServ, ActiveX) and what they use are
# not in the runtime built above: they are compiled from the same source
# package, into the DLL's own object folder, by the DLL that uses them.
set(FPC_SOURCE_PACKAGES /usr/share/fpcsrc/${FPC_VERSION}/packages)
set(FPC_COM_UNIT_DIRS
  ${FPC_SOURCE_PACKAGES}/winunits-base/src
  ${FPC_SOURCE_PACKAGES}/rtl-objpas/src/win
  ${FPC_SOURCE_PACKAGES}/rtl-objpas/src/inc
  ${FPC_SOURCE_PACKAGES}/rtl-objpas/src/common
  ${FPC_SOURCE_PACKAGES}/fcl-registry/src
  ${FPC_SOURCE_PACKAGES}/fcl-base/src)
foreach(_dir ${FPC_COM_UNIT_DIRS})
  if(NOT IS_DIRECTORY ${_dir})
    message(FATAL_ERROR "Free Pascal: ${_dir} is missing (package fpc-source)")
  endif()
endforeach()

# cs_pascal_dll(NAME SOURCE OUTPUT_DIR [TYPELIB IDL]): compiles the Pascal
# `library` in SOURCE (whose library name must be NAME) into
# OUTPUT_DIR/NAME.dll with the runtime above, DWARF 2 and -O2, as a custom
# target NAME. With TYPELIB, an automation server: widl makes the type
# library from IDL, windres a NAME.res holding it as resource 1 TYPELIB
# (the source says {$R NAME.res}), and the COM units are compiled too.
# Free Pascal reads a {$R} file from the source's own folder only, so the
# source is compiled from a copy next to the .res in the build tree.
function(cs_pascal_dll name source out_dir)
  cmake_parse_arguments(P "" "TYPELIB" "" ${ARGN})
  set(_src ${CMAKE_CURRENT_SOURCE_DIR}/${source})
  if(NOT EXISTS ${_src})
    message(FATAL_ERROR "${name}: Pascal source ${_src} is missing")
  endif()
  set(_obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.fpc)
  set(_compile ${_src})
  set(_deps ${_src} ${FPC_RTL_STAMP})
  set(_paths -Fu${FPC_RTL_UNITS})
  set(_copy "")
  set(_verbosity -vew)          # errors and warnings of our own sources
  if(P_TYPELIB)
    set(_verbosity -ve)         # the runtime's COM units warn by the dozen
    set(_idl ${CMAKE_CURRENT_SOURCE_DIR}/${P_TYPELIB})
    if(NOT EXISTS ${_idl})
      message(FATAL_ERROR "${name}: IDL ${_idl} is missing")
    endif()
    get_filename_component(_file ${_src} NAME)
    set(_compile ${_obj}/${_file})
    set(_copy COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_src} ${_compile})
    file(MAKE_DIRECTORY ${_obj})
    file(WRITE ${_obj}/${name}.rc "1 TYPELIB \"${name}.tlb\"\n")
    add_custom_command(OUTPUT ${_obj}/${name}.res
      COMMAND ${WIDL_PROGRAM} -m64 -I${WINE_IDL_DIR} -L${WINE_TLB_DIR} -t -o ${_obj}/${name}.tlb ${_idl}
      COMMAND ${CMAKE_RC_COMPILER} -O res -o ${_obj}/${name}.res ${_obj}/${name}.rc
      WORKING_DIRECTORY ${_obj}
      DEPENDS ${_idl}
      COMMENT "widl, windres: ${name}.res (its type library)"
      VERBATIM)
    list(APPEND _deps ${_obj}/${name}.res)
    foreach(_dir ${FPC_COM_UNIT_DIRS})
      list(APPEND _paths -Fu${_dir} -Fi${_dir})
    endforeach()
  endif()
  add_custom_command(OUTPUT ${out_dir}/${name}.dll
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_obj} ${out_dir}
    ${_copy}
    COMMAND ${FPC_COMPILER} -n -Twin64 -Mdelphi -O2 -gw2 ${_verbosity}
            ${_paths} -FU${_obj} -FE${out_dir} ${_compile}
    DEPENDS ${_deps}
    COMMENT "Free Pascal: ${name}.dll"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out_dir}/${name}.dll)
endfunction()
