package policy

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// Coverage: a verdict is never broader than what was checked. Every invariant declares the
// resource types it reads (Invariant.Covers); a few types carry nothing to judge (inert). Any
// other resource of the stack, and any resource of a covered type that the analysis still cannot
// judge (query.NotEvaluated), is not evaluated, and a stack holding one is not a pass.

// inert are the resource types that carry no network exposure, data or credentials of their own,
// with why; what they point at is judged where it lives.
var inert = map[string]string{
	contract.TypeStack:            "the stack itself",
	contract.TypeKMSAlias:         "a name for a key; the key is judged",
	contract.TypeECSCluster:       "a namespace for services; its services and task definitions are judged",
	contract.TypeDNSNamespace:     "private DNS names inside the VPC; who may connect is judged on security groups",
	contract.TypeDiscoveryService: "private DNS names inside the VPC; who may connect is judged on security groups",
	contract.TypeACMCertificate:   "a TLS certificate whose private key ACM keeps; the listeners that use it are judged, an imported key in plaintext by DATA-04",
	contract.TypeWebACLLogging:    "where a web ACL's own logs go; it grants no access",
}

// unmodelled explains, by token prefix (package:module/ or package:module/name:), why a
// resource type that no invariant reads matters: each can expose a network path, hold data or
// grant credentials. A type not listed gets a plain "no invariant reads" reason.
var unmodelled = []struct{ prefix, why string }{
	{"aws:ec2/launchTemplate:", "a launch template: the instances it starts are not analysed"},
	{"aws:autoscaling/group:", "an Auto Scaling group: the instances it starts are not analysed"},
	{"aws:lambda/function:", "a Lambda function: its VPC configuration and permissions are not analysed"},
	{"aws:lambda/functionUrl:", "a Lambda function URL: an internet endpoint the analysis does not see"},
	{"aws:rds/cluster:", "an RDS or Aurora cluster: its encryption, TLS and reachability are not checked"},
	{"aws:rds/clusterInstance:", "an Aurora instance: its encryption, TLS and reachability are not checked"},
	{"aws:elb/loadBalancer:", "a Classic Load Balancer: its listeners and exposure are not checked"},
	{"aws:apigateway/", "API Gateway: an internet endpoint the analysis does not see"},
	{"aws:apigatewayv2/", "API Gateway: an internet endpoint the analysis does not see"},
	{"aws:eks/", "EKS: its nodes, endpoint and pods are not analysed"},
	{"aws:opensearch/", "OpenSearch: its encryption, access policy and reachability are not checked"},
	{"aws:elasticsearch/", "Elasticsearch: its encryption, access policy and reachability are not checked"},
	{"aws:efs/mountTarget:", "an EFS mount target: its reachability is not checked"},
	{"aws:ec2/vpcPeeringConnection:", "a VPC peering connection: traffic through it is not analysed"},
	{"aws:ec2transitgateway/", "a transit gateway: traffic through it is not analysed"},
	{"aws:iam/", "IAM: permissions the analysis does not read"},
}

// Inert says why a resource type carries nothing to judge ("" when it does).
func Inert(typ string) string { return inert[typ] }

// CoveredTypes maps each resource type some invariant reads to those invariants' ids, in
// catalogue order.
func CoveredTypes() map[string][]string {
	out := map[string][]string{}
	for _, inv := range Catalogue() {
		for _, t := range inv.Covers {
			if !slices.Contains(out[t], inv.ID) {
				out[t] = append(out[t], inv.ID)
			}
		}
	}
	return out
}

// NotEvaluated lists, sorted by URN, the resources of an export no invariant can judge: those of
// a type no invariant covers and that is not inert, then (query.NotEvaluated) those of a covered
// type the analysis cannot place. Component resources and providers are not resources of the
// cloud and are never listed.
func NotEvaluated(ix *query.Index) []query.NotEvaluated {
	covered := CoveredTypes()
	var out []query.NotEvaluated
	for _, r := range ix.Resources {
		if !r.Custom || strings.HasPrefix(r.Type, contract.TypeProviderPrefix) || covered[r.Type] != nil || inert[r.Type] != "" {
			continue
		}
		out = append(out, query.NotEvaluated{Resource: r, Why: uncoveredWhy(r.Type)})
	}
	out = append(out, ix.NotEvaluated()...)
	slices.SortStableFunc(out, func(a, b query.NotEvaluated) int { return strings.Compare(a.Resource.URN, b.Resource.URN) })
	return out
}

func uncoveredWhy(typ string) string {
	for _, u := range unmodelled {
		if strings.HasPrefix(typ, u.prefix) {
			return u.why
		}
	}
	return "no invariant reads " + query.ShortType(typ) + " resources"
}
