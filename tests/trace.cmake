# Suite of the allocation tracer (trace/): the pure grouping with
# hand-made records, and the engine on the reference server loaded after
# tracing started (leak-bytes, echo-leak-bstr, a clean run, DllMain).
if(TARGET cs_trace)
  # A DLL that allocates in DllMain and on request, without a C runtime
  # (whose own start-up allocations would blur the count). No sibling calls:
  # an export that ends in a jump to HeapAlloc would leave no frame of its own.
  add_library(cs_trace_testdll SHARED trace_testdll.c)
  set_target_properties(cs_trace_testdll PROPERTIES PREFIX "")
  target_compile_options(cs_trace_testdll PRIVATE -ffreestanding -fno-stack-protector
    -fno-stack-check -mno-stack-arg-probe -fno-optimize-sibling-calls)
  target_link_options(cs_trace_testdll PRIVATE -nostdlib -nostartfiles -Wl,--entry,DllMain)
  target_link_libraries(cs_trace_testdll PRIVATE kernel32)

  comstress_add_check_test(test_trace
    SOURCES test_trace.c test_trace_groups.c test_trace_server.c
    LIBS cs_trace comstress_idl)
  add_dependencies(test_trace comserver cs_trace_testdll)
  set_property(TEST test_trace APPEND PROPERTY ENVIRONMENT
    "COMSTRESS_TRACE_TEST_DLL=Z:$<TARGET_FILE:cs_trace_testdll>")
endif()
