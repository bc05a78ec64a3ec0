package query

import (
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// StackIdentity is which stack an export is of: its Pulumi stack and project (from the URNs),
// and the AWS region and account its resources live in (from their ARNs). A field is empty when
// the export does not say.
type StackIdentity struct {
	Stack, Project, Region, Account string
}

// Identity reads an export's stack identity. The stack and project come from the first URN
// (urn:pulumi:<stack>::<project>::...); the region and account are the ones most ARNs of the
// stack name (arn:<partition>:<service>:<region>:<account>:...), since a few ARNs are global
// (IAM, S3) or another account's (the ELB log-delivery account).
func (ix *Index) Identity() StackIdentity {
	var id StackIdentity
	for _, r := range ix.Resources {
		if rest, ok := strings.CutPrefix(r.URN, "urn:pulumi:"); ok {
			if parts := strings.SplitN(rest, "::", 3); len(parts) >= 2 {
				id.Stack, id.Project = parts[0], parts[1]
				break
			}
		}
	}
	regions, accounts := map[string]int{}, map[string]int{}
	for _, r := range ix.Resources {
		if r.Type == contract.TypeStack {
			continue
		}
		parts := strings.SplitN(Str(r, "arn"), ":", 6)
		if len(parts) < 6 {
			continue
		}
		if parts[3] != "" {
			regions[parts[3]]++
		}
		if parts[4] != "" {
			accounts[parts[4]]++
		}
	}
	id.Region, id.Account = mostCommon(regions), mostCommon(accounts)
	return id
}

// mostCommon is the key with the highest count (the smallest such key, for a tie); "" for none.
func mostCommon(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best := ""
	for _, k := range keys {
		if best == "" || counts[k] > counts[best] {
			best = k
		}
	}
	return best
}
