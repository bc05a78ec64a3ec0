package policy

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

var orderInvariants = []Invariant{
	{
		ID: "ORDER-01",
		Statement: "What AWS checks when a resource is created, and what a task needs when it starts, is created first: " +
			"S3 access logging and load balancers after their log bucket's policy, Object Lock after its bucket's versioning, internet-facing load balancers after the internet gateway; " +
			"ECS services after the secret values and policies, " +
			"role policies, security-group rules, network ACL and route table associations (with their rules and routes), VPC endpoints and routes their tasks use, " +
			"the NAT gateway's subnet when they reach the internet, and the listener of their target group; " +
			"NAT gateways after the internet gateway; flow logs after their role's policy; databases after their log groups",
		Enforces: "Deploys the first time, in any order the engine picks: S3 InvalidTargetBucketForLogging and InvalidBucketState (Object Lock before versioning), ELB access-log permission check, " +
			"ECS target group without a load balancer, tasks failing to start (ResourceInitializationError), NAT gateway without an internet gateway, " +
			"RDS creating its log groups unencrypted",
		Covers: []string{contract.TypeBucket, contract.TypeBucketLogging, contract.TypeBucketPolicy, contract.TypeBucketObjectLock, contract.TypeBucketVersioning, contract.TypeDBInstance, contract.TypeECSService, contract.TypeFlowLog, contract.TypeInternetGateway, contract.TypeLogGroup, contract.TypeNatGateway, contract.TypeNetworkACLAssoc, contract.TypeNetworkACLRule, contract.TypeRolePolicy, contract.TypeRouteTableAssoc, contract.TypeSGEgressRule, contract.TypeSGIngressRule, contract.TypeSecret, contract.TypeSecretVersion, contract.TypeVpcEndpoint, contract.TypeLoadBalancer, contract.TypeALBLoadBalancer, contract.TypeListener, contract.TypeTargetGroup},
		check:  checkCreateOrder,
	},
}

// checkCreateOrder judges, for every resource the query layer says needs others first, whether
// the plan records each as a dependency (directly or through others). A need is reported once
// per resource, with the first reason given for it.
func checkCreateOrder(ix *query.Index) (int, []Finding) {
	var fs []Finding
	subjects := ix.CreateOrder()
	for _, s := range subjects {
		r := s.Resource
		before := ix.DependsOn(r)
		reported := map[string]bool{}
		for _, e := range s.LogExports {
			if e.Group == nil {
				fs = append(fs, finding(r, "exports %s logs, but the stack has no log group %s: RDS would create it unencrypted and without a retention", e.Kind, e.GroupName))
			}
		}
		for _, need := range s.Prerequisites {
			if slices.ContainsFunc(need.AnyOf, func(l *query.Resource) bool { return before[l.URN] }) {
				continue // one of the alternatives comes first
			}
			dep := need.Resource
			if dep == r || before[dep.URN] || reported[dep.URN] {
				continue
			}
			reported[dep.URN] = true
			fs = append(fs, finding(r, "can be created before %s (%s), which %s; make it depend on it", query.Name(dep), query.ShortType(dep.Type), need.Why))
		}
	}
	return len(subjects), fs
}
