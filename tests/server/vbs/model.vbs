' Independent late-binding client of the reference server's object model:
' Wine's VBScript engine walks ComStress.Target's Items with For Each, uses
' the default member, the by-reference (out) and optional parameters and
' the array ones, and checks through the probe that every object it let go
' of was freed. cscript exits 0 even on a script error, so the test passes
' only on the closing line printed after every check ran and passed.
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

Dim probe, t, items, item, names, n, a, b, arr
Set probe = CreateObject("ComStress.Probe")
Set t = CreateObject("ComStress.Target")
Set items = t.Items
Check "Items.Count", items.Count, 3
Check "Items is one object", items Is t.Items, True

names = ""
n = 0
For Each item In t.Items
    names = names & item.Name & ";"
    n = n + 1
Next
Set item = Nothing
Check "For Each visits", n, 3
Check "For Each names", names, "Item 1;Item 2;Item 3;"
Check "Items(2).Name (default member)", t.Items(2).Name, "Item 2"
Check "Items.Item(""Item 3"").Name", t.Items.Item("Item 3").Name, "Item 3"
Check "Add returns the item", items.Add("four").Name, "four"
Check "Count after Add", items.Count, 4
items.Remove 1
Check "Count after Remove", items.Count, 3
Check "first after Remove", items(1).Name, "Item 2"
Check "Item objects alive", probe.LiveObjects("Item"), 3

' By-reference outputs: what the variables held is released by the server.
t.Value = 7
Set a = t.CreateChild()
b = "old"
Check "Targets before GetPair", probe.LiveObjects("Target"), 2
t.GetPair a, b
Check "GetPair first", a, 7
Check "GetPair second", b, "Target"
Check "Targets after GetPair", probe.LiveObjects("Target"), 1

' Optional parameters: Range(first, [last = 10], [step]).
Check "Range(1)", t.Range(1), 10
Check "Range(1, 5)", t.Range(1, 5), 5
Check "Range(1, 5, 2)", t.Range(1, 5, 2), 3
Check "Range(1, , 3)", t.Range(1, , 3), 4
Check "Range(5, 1, -2)", t.Range(5, 1, -2), 3

' Arrays: an argument and a result.
Check "Sum(Array(1, 2, 3.5))", t.Sum(Array(1, 2, 3.5)), 6.5
Check "Sum(Array(""4"", 5))", t.Sum(Array("4", 5)), 9
arr = t.MakeItems(4)
Check "MakeItems UBound", UBound(arr), 3
Check "MakeItems(4)(3).Name", arr(3).Name, "Item 4"
Check "Item objects with the array", probe.LiveObjects("Item"), 7
arr = Empty
Check "Item objects after the array", probe.LiveObjects("Item"), 3

Set items = Nothing
Set t = Nothing
Check "LiveObjects after release", probe.LiveObjects(""), 0
Check "Probe.AddRefCalls = ReleaseCalls", probe.AddRefCalls, probe.ReleaseCalls

If failures = 0 Then
    WScript.Echo "model.vbs: all " & checks & " checks passed"
Else
    WScript.Echo "model.vbs: " & failures & " of " & checks & " checks failed"
End If
