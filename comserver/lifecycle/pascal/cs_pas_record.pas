{
  cs_pas_record.dll: a larger threadvar, a 4 KB record per thread (a
  session's state), as in the original report's DLL whose process grew by
  about 4 KB per load/unload cycle. Same runtime behaviour as cs_pas_seed:
  the thread's block, now 4,096 bytes of ours plus the runtime's own
  threadvars, is freed only when the thread exits (docs/lifecycle.md).
}
library cs_pas_record;

{$mode delphi}

type
  TSessionState = record
    Id: Integer;
    Calls: Integer;
    Scratch: array[0..4087] of Byte;
  end;

threadvar
  Session: TSessionState;

{ Records a call in the calling thread's session; returns Value. }
function CsPasTouch(Value: Integer): Integer; stdcall;
begin
  Session.Id := Value;
  Inc(Session.Calls);
  Session.Scratch[Session.Calls mod Length(Session.Scratch)] := Byte(Value);
  Result := Session.Id;
end;

exports
  CsPasTouch;

begin
end.
