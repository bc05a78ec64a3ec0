// Package query reads a plan or a `pulumi stack export` into typed facts: an index of the
// resources, normalised security-group rules and routes, the network ACL evaluator, effective
// reachability, how each store is encrypted, who reads each secret and uses each bucket, what
// faces the internet, what guards a store and what must be created before what. It judges
// nothing: the invariants (package policy) judge these facts, and the report renders them.
//
// It needs neither the program nor its config nor AWS credentials, and it does not link the AWS
// SDK: its tests run on the recorded plans (internal/fixtures).
package query

import (
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// Resource is one resource of a plan or export.
type Resource = stackstate.Resource

// Index gives fast lookups over the resources of one plan or export, and computes each derived
// fact (reachability, network ACLs, parsed policies, secret grants) once. It is not safe for
// concurrent use.
type Index struct {
	Resources []*Resource // every resource, in export order

	byType map[string][]*Resource
	byArn  map[string]*Resource // arn -> resource (the first to claim it)
	byID   map[string]*Resource // id -> resource (the first to claim it)
	byURN  map[string]*Resource
	where  map[string]map[string][]*Resource // type+"."+key -> value -> resources

	reach        []Path                            // computed once by Reachability
	secretGrants map[string][]Principal            // secret ARN -> roles whose identity policies may read it
	nacls        map[string][]NACLEntry            // subnet id -> the entries of its network ACL, in evaluation order
	policies     map[*Resource]*policydoc.Document // parsed "policy" inputs, by resource
}

// NewIndex indexes an export. The export must not change while the index is in use.
func NewIndex(e *stackstate.Export) *Index {
	ix := &Index{byType: map[string][]*Resource{}, byArn: map[string]*Resource{}, byID: map[string]*Resource{}, byURN: map[string]*Resource{},
		where: map[string]map[string][]*Resource{}, policies: map[*Resource]*policydoc.Document{},
		nacls: map[string][]NACLEntry{}}
	for i := range e.Deployment.Resources {
		r := &e.Deployment.Resources[i]
		ix.Resources = append(ix.Resources, r)
		ix.byType[r.Type] = append(ix.byType[r.Type], r)
		ix.byURN[r.URN] = r
		if !r.Custom {
			continue
		}
		// Some resources take another's ARN as their id (a secret's policy, a web ACL's logging
		// configuration): an ARN names its own resource first.
		if _, taken := ix.byID[r.ID]; r.ID != "" && !taken {
			ix.byID[r.ID] = r
		}
		if _, taken := ix.byArn[Str(r, "arn")]; Str(r, "arn") != "" && !taken {
			ix.byArn[Str(r, "arn")] = r
		}
	}
	return ix
}

// Named returns the resource of a type that a reference by name points to: the one with that id,
// or else the first whose property key holds the name (subnet groups, parameter groups, buckets
// and log groups are referred to by name). Nil when there is none.
func (ix *Index) Named(typ, key, name string) *Resource {
	if name == "" {
		return nil
	}
	if r := ix.byID[name]; r != nil && r.Type == typ {
		return r
	}
	if rs := ix.Where(typ, key, name); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

// PolicyOf parses the "policy" input of a resource once; nil when absent or invalid.
func (ix *Index) PolicyOf(r *Resource) *policydoc.Document {
	if doc, done := ix.policies[r]; done {
		return doc
	}
	var out *policydoc.Document
	if doc, err := policydoc.Parse(Str(r, "policy")); err == nil && Str(r, "policy") != "" {
		out = &doc
	}
	ix.policies[r] = out
	return out
}

// Where returns the resources of a type whose property key equals value (or, for a list
// property, contains it). Each (type, key) is indexed once, so lookups stay constant-time and a
// whole evaluation stays linear in the size of the stack.
func (ix *Index) Where(typ, key, value string) []*Resource {
	if value == "" {
		return nil
	}
	k := typ + "." + key
	m, built := ix.where[k]
	if !built {
		m = map[string][]*Resource{}
		for _, r := range ix.byType[typ] {
			v, _ := Prop(r, key)
			switch t := v.(type) {
			case string:
				m[t] = append(m[t], r)
			case []any:
				for _, x := range t {
					if s, ok := x.(string); ok {
						m[s] = append(m[s], r)
					}
				}
			}
		}
		ix.where[k] = m
	}
	return m[value]
}

// OfType returns the resources of the given type tokens, type by type, each in export order.
func (ix *Index) OfType(types ...string) []*Resource {
	var out []*Resource
	for _, t := range types {
		out = append(out, ix.byType[t]...)
	}
	return out
}

// Ref resolves an id or ARN to the resource it names, or nil.
func (ix *Index) Ref(ref string) *Resource {
	if ref == "" {
		return nil
	}
	if r, ok := ix.byArn[ref]; ok {
		return r
	}
	return ix.byID[ref]
}

// URN returns the resource with the given URN, or nil.
func (ix *Index) URN(urn string) *Resource { return ix.byURN[urn] }
