{
  cs_pas_seed.dll: the shape of the DLL the TLS-at-unload report was about,
  written in Free Pascal the way a Delphi programmer writes it: a
  `threadvar` integer assigned by an export that a host calls on its worker
  threads (docs/lifecycle.md, "pascal-tls").

  The runtime keeps each thread's threadvars in one block (LocalAlloc, the
  size of every threadvar of the DLL and of the runtime itself) stored in a
  TLS slot. The block is allocated on a thread's first threadvar access, or
  when a thread is created while the DLL is loaded, and freed only in
  DLL_THREAD_DETACH: a thread still alive at FreeLibrary keeps it for ever.

  CsPasRunThreads is the other side: threads the DLL starts itself (with
  the runtime's BeginThread), which assign the threadvar and end before the
  export returns, so their blocks are freed as they exit.
}
library cs_pas_seed;

{$mode delphi}

uses
  Windows;

threadvar
  LastValue: Integer;

{ Assigns the calling thread's threadvar; returns what it now holds. }
function CsPasTouch(Value: Integer): Integer; stdcall;
begin
  LastValue := Value;
  Result := LastValue;
end;

function WorkerMain(Param: Pointer): PtrInt;
begin
  LastValue := PtrInt(Param);
  Result := LastValue;
end;

{ Starts Count threads (1 to 64) that each assign the threadvar, and waits
  for all of them to end. Returns how many ran and ended, or -1 when Count
  is out of range. }
function CsPasRunThreads(Count: Integer): Integer; stdcall;
var
  Threads: array[0..63] of TThreadID;
  I: Integer;
  Code: DWORD;
begin
  if (Count < 1) or (Count > 64) then
    Exit(-1);
  Result := 0;
  for I := 0 to Count - 1 do
    Threads[I] := BeginThread(WorkerMain, Pointer(PtrInt(I + 1)));
  for I := 0 to Count - 1 do
    if Threads[I] <> 0 then
    begin
      if (WaitForThreadTerminate(Threads[I], 30000) = WAIT_OBJECT_0) and
         GetExitCodeThread(Threads[I], Code) and (Code = DWORD(I + 1)) then
        Inc(Result);
      CloseThread(Threads[I]);
    end;
end;

exports
  CsPasTouch,
  CsPasRunThreads;

begin
end.
