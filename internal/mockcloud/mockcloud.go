// Package mockcloud is the one recording mock of AWS used by every test and by the offline plan.
// It answers Pulumi's mock monitor with deterministic, realistic ids, ARNs and computed outputs
// (derived from each resource's URN, so a run is byte-for-byte repeatable), records what the
// program registered, and renders the recording in the shape of `pulumi stack export`.
package mockcloud

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// AccountID is the account every mock ARN belongs to (the account AWS documentation uses).
const AccountID = "123456789012"

// Record is one registered resource.
type Record struct {
	URN                  string
	Type                 string
	Name                 string
	ID                   string
	Parent               string
	Custom               bool
	Provider             string
	Protect              bool
	Inputs               resource.PropertyMap
	Outputs              resource.PropertyMap
	Dependencies         []string
	PropertyDependencies map[string][]string
	// ReplacementTrigger is the value whose change replaces the resource (the
	// pulumi.ReplacementTrigger option), nil when it has none.
	ReplacementTrigger any
	// DeleteBeforeReplace is the option of the same name.
	DeleteBeforeReplace bool
}

// Cloud is the mock. It is safe for the concurrent registrations of one Pulumi run.
type Cloud struct {
	Project string
	Stack   string
	Region  string

	mu      sync.Mutex
	records map[string]*Record
	calls   []string
}

// New returns an empty mock cloud for one stack.
func New(project, stack, region string) *Cloud {
	return &Cloud{Project: project, Stack: stack, Region: region, records: map[string]*Record{}}
}

var _ pulumi.MockResourceMonitor = (*Cloud)(nil)

// Call answers the data-source functions the program uses; any other function is an error, so a
// new invoke cannot silently return nothing.
func (c *Cloud) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	c.mu.Lock()
	c.calls = append(c.calls, args.Token)
	c.mu.Unlock()
	switch args.Token {
	case contract.FuncCallerIdentity:
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID,
			"arn":       "arn:aws:iam::" + AccountID + ":role/offline-plan",
			"id":        AccountID,
			"userId":    "AROAOFFLINEPLAN000000:offline-plan",
		}), nil
	case contract.FuncELBServiceAccount:
		// The regional Elastic Load Balancing account, where the region has one; the data source
		// fails, as the provider's does, in regions opened since August 2022 (they know only the
		// log-delivery service principal). A made-up account would be worse than none.
		region, _ := awslimits.LookupRegion(c.Region)
		if region.ELBAccountID == "" {
			return nil, fmt.Errorf("unsupported AWS Region: %s", c.Region)
		}
		acct := region.ELBAccountID
		return resource.NewPropertyMapFromMap(map[string]any{"id": acct, "arn": "arn:aws:iam::" + acct + ":root"}), nil
	case contract.FuncKMSPublicKey:
		return c.publicKey(args.Args), nil
	case contract.FuncPartition:
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	}
	return nil, fmt.Errorf("mockcloud: no mock for function %s; add one to internal/mockcloud before calling it", args.Token)
}

// NewResource records a registration and answers with deterministic computed outputs.
func (c *Cloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec := &Record{
		Type:   args.TypeToken,
		Name:   args.Name,
		Custom: args.Custom,
		Inputs: args.Inputs,
	}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Protect = rpc.GetProtect()
		rec.Provider = rpc.GetProvider()
		rec.Dependencies = sortedCopy(rpc.GetDependencies())
		if rt := rpc.GetReplacementTrigger(); rt != nil {
			rec.ReplacementTrigger = rt.AsInterface()
		}
		rec.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		if pd := rpc.GetPropertyDependencies(); len(pd) > 0 {
			rec.PropertyDependencies = map[string][]string{}
			for k, v := range pd {
				if urns := sortedCopy(v.GetUrns()); len(urns) > 0 {
					rec.PropertyDependencies[k] = urns
				}
			}
		}
	}
	rec.URN = c.urn(rec.Parent, rec.Type, rec.Name)

	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.records[rec.URN]; dup {
		return "", nil, fmt.Errorf("mockcloud: duplicate resource URN %s", rec.URN)
	}
	id, outputs := c.compute(rec)
	if args.ID != "" {
		id = args.ID
	}
	// The engine marks these outputs secret (for example a private key); so does the mock.
	if rpc := args.RegisterRPC; rpc != nil {
		for _, k := range rpc.GetAdditionalSecretOutputs() {
			if v, ok := outputs[resource.PropertyKey(k)]; ok && !v.IsSecret() {
				outputs[resource.PropertyKey(k)] = resource.MakeSecret(v)
			}
		}
	}
	rec.ID = id
	rec.Outputs = outputs
	c.records[rec.URN] = rec
	return id, outputs, nil
}

func (c *Cloud) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(c.Stack), tokens.PackageName(c.Project), parentType, tokens.Type(typ), name))
}

// Records returns every registration, sorted by URN.
func (c *Cloud) Records() []*Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Record, 0, len(c.records))
	for _, r := range c.records {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// ByType returns the registrations of one type token, sorted by URN.
func (c *Cloud) ByType(typ string) []*Record {
	var out []*Record
	for _, r := range c.Records() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Calls lists the function tokens the program invoked.
func (c *Cloud) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

// hexOf is a deterministic hex string of n characters derived from the seed.
func hexOf(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	h := hex.EncodeToString(sum[:])
	for len(h) < n {
		sum = sha256.Sum256([]byte(h))
		h += hex.EncodeToString(sum[:])
	}
	return h[:n]
}

// hexDigits is a deterministic string of n decimal digits derived from the seed.
func hexDigits(seed string, n int) string {
	h := hexOf(seed, n)
	out := make([]byte, n)
	for i := 0; i < n; i++ {
		out[i] = '0' + h[i]%10
	}
	return string(out)
}

// uuidOf formats a deterministic UUID from the seed.
func uuidOf(seed string) string {
	h := hexOf(seed, 32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func sortedCopy(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func str(m resource.PropertyMap, key string) string {
	v, ok := m[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func lower(s string) string { return strings.ToLower(s) }

func tokensQName(s string) tokens.QName         { return tokens.QName(s) }
func tokensPackage(s string) tokens.PackageName { return tokens.PackageName(s) }
