// Independent late-binding client: Wine's JScript engine drives every member
// of ComStress.Target and the classes without type information through
// IDispatch. JScript passes numbers as VT_I4 or VT_R8 and strings as BSTRs,
// and reads errors through try/catch: a second engine with its own habits.
// cscript exits 0 even on a script error, so the test passes only on the
// closing line printed after every check ran and passed.
var checks = 0, failures = 0;

function check(what, got, expected) {
    checks++;
    if (got !== expected) {
        failures++;
        WScript.Echo("FAIL " + what + ": got " + got + ", expected " + expected);
    }
}

function checkTarget(progid, name) {
    var t = new ActiveXObject(progid), child, raised;
    check(progid + ".Name", t.Name, name);
    check(progid + ".Add(5)", t.Add(5), 5);
    check(progid + ".Add(-2)", t.Add(-2), 3);
    check(progid + ".Value", t.Value, 3);
    t.Value = 42;
    check(progid + ".Value after put", t.Value, 42);
    check(progid + ".Echo", t.Echo("hello, \u00e9t\u00e9"), "hello, \u00e9t\u00e9");
    check(progid + ".Consume(object)", t.Consume(t), 1);
    check(progid + ".Consume(7)", t.Consume(7), 0);
    child = t.CreateChild();
    check(progid + ".CreateChild.Name", child.Name, name);
    check(progid + ".Divide(7, 2)", t.Divide(7, 2), 3.5);
    raised = false;
    try { t.Divide(1, 0); } catch (e) { raised = e.description == "Divide: division by zero"; }
    check(progid + ".Divide(1, 0) raised with its text", raised, true);
    raised = false;
    try { t.NoSuchMember(1); } catch (e) { raised = true; }
    check(progid + ".NoSuchMember raised", raised, true);
    child = null;
    t = null;
    CollectGarbage();
}

// Target's object model the JScript way: the default member, optional
// arguments left off the end, an array result. (No Enumerator walk here:
// Wine 8's JScript Enumerator never releases the IEnumVARIANT it holds,
// which would leave the collection alive for the final count.)
function checkModel() {
    var t = new ActiveXObject("ComStress.Target");
    check("Items(2).Name", t.Items(2).Name, "Item 2");
    check("Items.Count", t.Items.Count, 3);
    check("Range(1)", t.Range(1), 10);
    check("Range(1, 5)", t.Range(1, 5), 5);
    check("MakeItems(2).ubound()", new VBArray(t.MakeItems(2)).ubound(), 1);
    t = null;
    CollectGarbage();
}

checkTarget("ComStress.Target", "Target");
checkModel();
checkTarget("ComStress.Untyped", "Untyped");
checkTarget("ComStress.Shifting", "Shifting");
CollectGarbage();

var probe = new ActiveXObject("ComStress.Probe");
check("Probe.LiveObjects after release", probe.LiveObjects(""), 0);
check("Probe.AddRefCalls = ReleaseCalls", probe.AddRefCalls, probe.ReleaseCalls);

if (failures == 0)
    WScript.Echo("target.js: all " + checks + " checks passed");
else
    WScript.Echo("target.js: " + failures + " of " + checks + " checks failed");
