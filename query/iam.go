package query

import (
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// IdentityPolicies returns every valid identity policy document (role policies, managed policies
// and roles' inline policies) by the resource that carries it.
func (ix *Index) IdentityPolicies() map[*Resource][]policydoc.Document {
	out := map[*Resource][]policydoc.Document{}
	for _, r := range ix.OfType(contract.TypeRolePolicy, contract.TypeIAMPolicy) {
		if doc, err := policydoc.Parse(Str(r, "policy")); err == nil {
			out[r] = append(out[r], doc)
		}
	}
	for _, r := range ix.OfType(contract.TypeIAMRole) {
		for _, x := range List(r, "inlinePolicies") {
			m, _ := x.(map[string]any)
			if text, _ := m["policy"].(string); text != "" {
				if doc, err := policydoc.Parse(text); err == nil {
					out[r] = append(out[r], doc)
				}
			}
		}
	}
	return out
}
