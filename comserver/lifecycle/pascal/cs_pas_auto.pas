{
  cs_pas_auto.dll: an in-process automation server written with Free
  Pascal's ComObj and ComServ units, the way a Delphi programmer writes one
  (a TAutoObject, its factory made in the initialization section, the type
  library linked in as a resource), for `comstress run --dll`
  (docs/lifecycle.md).

  PasNames is a collection of names (Add, Count, Item, Clear): a client
  that adds and clears leaves nothing behind. Greet has the bug: it keeps a
  copy of every greeting it returns "for the debugger", a BSTR that is
  overwritten by the next call and never freed, so every call leaks one.

  Free Pascal 3.2's ComServ answers DllCanUnloadNow with S_FALSE for ever:
  the server never unloads, by design of the runtime.
}
library cs_pas_auto;

{$mode delphi}
{$R cs_pas_auto.res}

uses
  Windows, ActiveX, ComObj, ComServ;

const
  CLASS_PasNames: TGUID = '{6F1C2A42-8D3E-4B7A-9C55-2E1D0A7B3C01}';

type
  { IPasNames of cs_pas_auto.idl, as a type library import would declare it. }
  IPasNames = interface(IDispatch)
    ['{6F1C2A41-8D3E-4B7A-9C55-2E1D0A7B3C01}']
    procedure Add(const Name: WideString); safecall;
    function Get_Count: Integer; safecall;
    function Item(Index: Integer): WideString; safecall;
    procedure Clear; safecall;
    function Greet(const Name: WideString): WideString; safecall;
    property Count: Integer read Get_Count;
  end;

  TPasNames = class(TAutoObject, IPasNames)
  private
    FNames: array of WideString;
    FLastGreeting: PWideChar;
  protected
    procedure Add(const Name: WideString); safecall;
    function Get_Count: Integer; safecall;
    function Item(Index: Integer): WideString; safecall;
    procedure Clear; safecall;
    function Greet(const Name: WideString): WideString; safecall;
  end;

procedure TPasNames.Add(const Name: WideString);
begin
  SetLength(FNames, Length(FNames) + 1);
  FNames[High(FNames)] := Name;
end;

function TPasNames.Get_Count: Integer;
begin
  Result := Length(FNames);
end;

{ The name at Index (0-based); DISP_E_BADINDEX outside the collection. }
function TPasNames.Item(Index: Integer): WideString;
begin
  if (Index < 0) or (Index > High(FNames)) then
    OleError(DISP_E_BADINDEX);
  Result := FNames[Index];
end;

procedure TPasNames.Clear;
begin
  FNames := nil;
end;

{ 'Hello, ' + Name. The copy kept for a debugger is the leak: the previous
  one is overwritten, never freed. }
function TPasNames.Greet(const Name: WideString): WideString;
begin
  Result := 'Hello, ' + Name;
  FLastGreeting := SysAllocString(PWideChar(Result));
end;

exports
  DllGetClassObject,
  DllCanUnloadNow,
  DllRegisterServer,
  DllUnregisterServer;

initialization
  TAutoObjectFactory.Create(ComServer, TPasNames, CLASS_PasNames, ciMultiInstance, tmApartment);
end.
