' Independent late-binding client: Wine's VBScript engine drives every
' member of ComStress.Target (and the untyped classes) through IDispatch.
' cscript exits 0 even on a script error, so the test passes only on the
' closing line printed after every check ran and passed.
Option Explicit
Dim checks, failures
checks = 0
failures = 0

Sub Check(what, got, expected)
    checks = checks + 1
    If got <> expected Then
        failures = failures + 1
        WScript.Echo "FAIL " & what & ": got " & got & ", expected " & expected
    End If
End Sub

Sub CheckTarget(progid, name)
    Dim t, child, a, b, r
    Set t = CreateObject(progid)
    Check progid & ".Name", t.Name, name
    Check progid & ".Add(5)", t.Add(5), 5
    Check progid & ".Add(-2)", t.Add(-2), 3
    Check progid & ".Value", t.Value, 3
    t.Value = 42
    Check progid & ".Value after put", t.Value, 42
    Check progid & ".Echo", t.Echo("hello, world"), "hello, world"
    Check progid & ".Echo('')", t.Echo(""), ""
    Check progid & ".Consume(object)", t.Consume(t), 1
    Check progid & ".Consume(7)", t.Consume(7), 0
    Check progid & ".Consume(text)", t.Consume("x"), 0
    Set child = t.CreateChild()
    Check progid & ".CreateChild.Name", child.Name, name
    Check progid & ".child.Value", child.Value, 0
    Set child = Nothing
    Check progid & ".Divide(7, 2)", t.Divide(7, 2), 3.5
    a = CLng(1)
    b = CLng(2)
    t.Swap a, b
    Check progid & ".Swap a", a, 2
    Check progid & ".Swap b", b, 1
    On Error Resume Next
    r = t.Divide(1, 0)
    Check progid & ".Divide(1, 0) raised", Err.Number <> 0, True
    Check progid & ".Divide(1, 0) text", Err.Description, "Divide: division by zero"
    Err.Clear
    t.NoSuchMember 1
    Check progid & ".NoSuchMember raised", Err.Number <> 0, True
    Err.Clear
    On Error GoTo 0
End Sub

CheckTarget "ComStress.Target", "Target"
CheckTarget "ComStress.Untyped", "Untyped"
CheckTarget "ComStress.Shifting", "Shifting"

Dim probe
Set probe = CreateObject("ComStress.Probe")
Check "Probe.LiveObjects after release", probe.LiveObjects(""), 0
Check "Probe.ClassNames", probe.ClassNames, "Target,Untyped,Shifting,Probe,Items,Item,Enumerator"
Check "Probe.AddRefCalls = ReleaseCalls", probe.AddRefCalls, probe.ReleaseCalls

If failures = 0 Then
    WScript.Echo "target.vbs: all " & checks & " checks passed"
Else
    WScript.Echo "target.vbs: " & failures & " of " & checks & " checks failed"
End If
