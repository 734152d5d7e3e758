#include <windows.h>
HRESULT WINAPI DllRegisterServer(void) { return S_OK; }
