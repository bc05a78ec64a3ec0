package policy

import (
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

// The readers below moved to package query (facts) and internal/contract (names) in issue 10.
// They remain only so that platform/deploy_test.go, which another part of issue 10 owns, keeps
// compiling and asserting the same things until the merge moves it to query; nothing in this
// package uses them.

// Resource is a resource of a plan or export.
//
// Deprecated: use query.Resource.
type Resource = query.Resource

// Index is the old reader over an export, with string-typed routes and secret readers.
//
// Deprecated: use query.Index.
type Index struct{ *query.Index }

// NewIndex indexes an export.
//
// Deprecated: use query.NewIndex.
func NewIndex(e *stackstate.Export) *Index { return &Index{query.NewIndex(e)} }

// Route is a route with its target kind as a string.
//
// Deprecated: use query.Route.
type Route struct {
	Source      *Resource
	Destination string
	Target      string
	TargetKind  string
}

// Routes returns the routes of a route table.
//
// Deprecated: use query.Index.Routes.
func (ix *Index) Routes(rt *Resource) []Route {
	var out []Route
	for _, r := range ix.Index.Routes(rt) {
		out = append(out, Route{Source: r.Source, Destination: r.Destination, Target: r.Target, TargetKind: string(r.TargetKind)})
	}
	return out
}

// IdentityPolicyReaders lists, by label, the roles whose policies may read a secret.
//
// Deprecated: use query.Index.IdentityPolicyReaders.
func (ix *Index) IdentityPolicyReaders(secretArn string) []string {
	var out []string
	for _, p := range ix.Index.IdentityPolicyReaders(secretArn) {
		out = append(out, p.Label())
	}
	return out
}

// Reachable is the status of a path the stack allows.
//
// Deprecated: use contract.PathReachable.
const Reachable = contract.PathReachable

// BFFTag is the BFF tag key.
//
// Deprecated: use contract.BFFTag.
const BFFTag = contract.BFFTag

// Type tokens.
//
// Deprecated: use the contract.Type* constants.
const (
	TypeBucket               = contract.TypeBucket
	TypeCache                = contract.TypeCache
	TypeDBInstance           = contract.TypeDBInstance
	TypeDefaultNetworkACL    = contract.TypeDefaultNetworkACL
	TypeDefaultSecurityGroup = contract.TypeDefaultSecurityGroup
	TypeFlowLog              = contract.TypeFlowLog
	TypeKMSAlias             = contract.TypeKMSAlias
	TypeKMSKey               = contract.TypeKMSKey
	TypeListener             = contract.TypeListener
	TypeLogGroup             = contract.TypeLogGroup
	TypeNatGateway           = contract.TypeNatGateway
	TypeNetworkACLAssoc      = contract.TypeNetworkACLAssoc
	TypeNetworkACLRule       = contract.TypeNetworkACLRule
	TypeRoute                = contract.TypeRoute
	TypeSecret               = contract.TypeSecret
	TypeSubnet               = contract.TypeSubnet
	TypeTaskDefinition       = contract.TypeTaskDefinition
	TypeVpc                  = contract.TypeVpc
	TypeVpcEndpoint          = contract.TypeVpcEndpoint
)

// Tier is a subnet's declared tier as a string.
//
// Deprecated: use query.Tier.
func Tier(r *Resource) string { return string(query.Tier(r)) }

// Deprecated: use query.Name.
func Name(r *Resource) string { return query.Name(r) }

// Deprecated: use query.Prop.
func Prop(r *Resource, key string) (any, bool) { return query.Prop(r, key) }

// Deprecated: use query.Str.
func Str(r *Resource, key string) string { return query.Str(r, key) }

// Deprecated: use query.Bool.
func Bool(r *Resource, key string) (bool, bool) { return query.Bool(r, key) }

// Deprecated: use query.Int.
func Int(r *Resource, key string) (int, bool) { return query.Int(r, key) }

// Deprecated: use query.List.
func List(r *Resource, key string) []any { return query.List(r, key) }

// Deprecated: use query.Strings.
func Strings(r *Resource, key string) []string { return query.Strings(r, key) }
