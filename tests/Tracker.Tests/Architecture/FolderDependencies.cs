using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Tracker.Tests.Architecture;

/// <summary>
/// Which top-level folders (namespaces <c>Tracker.X…</c>) of the product's assembly use which, read from the compiled IL
/// with Mono.Cecil: signatures, attributes, base types and every type, method and field a method body names. Nested and
/// compiler-generated types (lambdas, async state machines) count as the type that declares them. The root namespace
/// <c>Tracker</c> (Program: the composition root) and the generated handlers are left out: they wire everything by design.
/// </summary>
public sealed class FolderDependencies
{
    /// <summary>folder → folder it uses → one example "Type uses Type" (what a failure message shows).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Edges { get; }

    private FolderDependencies(Dictionary<string, Dictionary<string, string>> edges) => Edges = edges;

    /// <summary>A graph given by hand ("A→B"), to check the cycle finder itself.</summary>
    public static FolderDependencies FromEdges(params string[] edges) => new(edges
        .Select(e => e.Split('→'))
        .GroupBy(e => e[0], e => e[1])
        .ToDictionary(g => g.Key, g => g.ToDictionary(to => to, to => $"{g.Key} uses {to}")));

    public static FolderDependencies Of(string assemblyPath, string rootNamespace, params string[] excluded)
    {
        var edges = new Dictionary<string, Dictionary<string, string>>();
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var from = FolderOf(Outermost(type), rootNamespace, excluded);
            if (from is null) continue;
            foreach (var used in Referenced(type))
            {
                var to = FolderOf(used, rootNamespace, excluded);
                if (to is null || to == from) continue;
                if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = [];
                targets.TryAdd(to, $"{Outermost(type).FullName} uses {used.FullName}");
            }
        }
        return new FolderDependencies(edges);
    }

    /// <summary>The strongly connected components with more than one folder: each is a dependency cycle.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<IReadOnlyList<string>>();
        var counter = 0;
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(v => v.Keys)).Distinct().Order().ToList();

        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var ws) ? ws.Keys.Order() : Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) cycles.Add(component.Order().ToList());
        }

        foreach (var node in nodes)
            if (!index.ContainsKey(node)) Visit(node);
        return cycles;
    }

    /// <summary>Every edge that lies on a cycle, as "From → To".</summary>
    public IReadOnlySet<string> EdgesOnCycles() => Cycles()
        .SelectMany(c => c.Where(Edges.ContainsKey).SelectMany(from => Edges[from].Keys.Where(c.Contains).Select(to => $"{from} → {to}")))
        .ToHashSet();

    /// <summary>The edges inside one cycle, each with its example: what to cut.</summary>
    public IEnumerable<string> Explain(IReadOnlyList<string> cycle) =>
        from folder in cycle
        where Edges.ContainsKey(folder)
        from edge in Edges[folder]
        where cycle.Contains(edge.Key)
        select $"{folder} → {edge.Key}: {edge.Value}";

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static string? FolderOf(TypeReference type, string root, string[] excluded)
    {
        type = Outermost(type.GetElementType());
        var ns = type.Namespace;
        if (!ns.StartsWith(root + ".", StringComparison.Ordinal)) return null;
        var folder = ns[(root.Length + 1)..].Split('.')[0];
        return excluded.Contains(folder) ? null : folder;
    }

    private static IEnumerable<TypeReference> Referenced(TypeDefinition type)
    {
        foreach (var t in Expand(type.BaseType)) yield return t;
        foreach (var i in type.Interfaces) foreach (var t in Expand(i.InterfaceType)) yield return t;
        foreach (var t in FromAttributes(type)) yield return t;
        foreach (var field in type.Fields)
        {
            foreach (var t in Expand(field.FieldType)) yield return t;
            foreach (var t in FromAttributes(field)) yield return t;
        }
        foreach (var property in type.Properties)
        {
            foreach (var t in Expand(property.PropertyType)) yield return t;
            foreach (var t in FromAttributes(property)) yield return t;
        }
        foreach (var method in type.Methods)
        {
            foreach (var t in Expand(method.ReturnType)) yield return t;
            foreach (var t in FromAttributes(method)) yield return t;
            foreach (var p in method.Parameters)
            {
                foreach (var t in Expand(p.ParameterType)) yield return t;
                foreach (var t in FromAttributes(p)) yield return t;
            }
            if (!method.HasBody) continue;
            foreach (var v in method.Body.Variables) foreach (var t in Expand(v.VariableType)) yield return t;
            foreach (var instruction in method.Body.Instructions)
                foreach (var t in FromOperand(instruction)) yield return t;
        }
    }

    private static IEnumerable<TypeReference> FromOperand(Instruction instruction) => instruction.Operand switch
    {
        TypeReference t => Expand(t),
        MethodReference m => Expand(m.DeclaringType).Concat(Expand(m.ReturnType))
            .Concat(m.Parameters.SelectMany(p => Expand(p.ParameterType)))
            .Concat(m is GenericInstanceMethod g ? g.GenericArguments.SelectMany(Expand) : []),
        FieldReference f => Expand(f.DeclaringType).Concat(Expand(f.FieldType)),
        _ => [],
    };

    private static IEnumerable<TypeReference> FromAttributes(ICustomAttributeProvider provider) =>
        provider.HasCustomAttributes
            ? provider.CustomAttributes.SelectMany(a => Expand(a.AttributeType)
                .Concat(a.ConstructorArguments.Select(c => c.Value).OfType<TypeReference>().SelectMany(Expand)))
            : [];

    /// <summary>A type and the types inside it: generic arguments, array and by-ref element types.</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference? type)
    {
        if (type is null || type.IsGenericParameter) yield break;
        yield return type;
        switch (type)
        {
            case GenericInstanceType generic:
                foreach (var a in generic.GenericArguments) foreach (var t in Expand(a)) yield return t;
                yield return generic.ElementType;
                break;
            case TypeSpecification spec:
                foreach (var t in Expand(spec.ElementType)) yield return t;
                break;
        }
    }
}
