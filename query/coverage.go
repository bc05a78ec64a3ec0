package query

import (
	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// NotEvaluated is a resource the audit cannot judge although it can carry network exposure,
// data or credentials: no invariant's verdict covers it, so a stack holding one is not a pass.
type NotEvaluated struct {
	Resource *Resource
	Why      string
}

// NotEvaluated lists, in export order, the resources of types the analysis reads that it still
// cannot judge: network and gateway load balancers, routes through a transit gateway, a peering
// connection, an instance or a network interface, IAM roles with managed policies the stack does
// not hold (AWS managed policies included: their documents are not in the export), and hosts or addresses it cannot place
// (an instance launched from a launch template or into the default VPC, an Elastic IP or an
// attachment whose other end the stack does not hold). Resources of types no invariant reads at
// all are policy's to report (policy.Coverage), since the invariants say what they cover.
func (ix *Index) NotEvaluated() []NotEvaluated {
	var out []NotEvaluated
	for _, r := range ix.Resources {
		if why := ix.notEvaluatedWhy(r); why != "" {
			out = append(out, NotEvaluated{Resource: r, Why: why})
		}
	}
	return out
}

func (ix *Index) notEvaluatedWhy(r *Resource) string {
	switch r.Type {
	case contract.TypeLoadBalancer, contract.TypeALBLoadBalancer:
		if t := Str(r, "loadBalancerType"); t == "network" || t == "gateway" {
			return "a " + t + " load balancer: its listeners and exposure are not checked"
		}
	case contract.TypeIAMRole:
		for _, arn := range Strings(r, "managedPolicyArns") {
			if ix.Ref(arn) == nil {
				return "an IAM role with the managed policy " + arn + ", which this stack does not hold: its permissions are not analysed"
			}
		}
	case contract.TypeRoute:
		for _, target := range []string{"transitGatewayId", "vpcPeeringConnectionId", "networkInterfaceId", "instanceId"} {
			if Str(r, target) != "" {
				return "a route through " + target + ": traffic on it is not analysed"
			}
		}
	}
	return ix.hostNotEvaluated(r)
}
