{
  cs_pas_empty.dll: a library with no threadvar of its own and an export
  that touches none. What a thread costs with it loaded is the runtime's own
  share of every Pascal DLL's per-thread block (docs/lifecycle.md).
}
library cs_pas_empty;

{$mode delphi}

{ Returns Value; touches no threadvar. }
function CsPasTouch(Value: Integer): Integer; stdcall;
begin
  Result := Value;
end;

exports
  CsPasTouch;

begin
end.
