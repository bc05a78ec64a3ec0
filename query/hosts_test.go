package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

// devWith indexes dev's recorded plan with resources another program (or a hand) added. Each
// added resource may name dev's resources by "<type>/<logical name>" in a string input, which
// becomes that resource's id.
func devWith(t *testing.T, extra ...stackstate.Resource) *query.Index {
	t.Helper()
	ix, e := dev(t)
	ids := func(v any) any {
		s, ok := v.(string)
		if !ok {
			return v
		}
		for _, typ := range []string{contract.TypeSubnet, contract.TypeSecurityGroup, contract.TypeVpc} {
			if len(s) > len(typ)+1 && s[:len(typ)+1] == typ+"/" {
				return named(t, ix, typ, s[len(typ)+1:]).ID
			}
		}
		return s
	}
	for _, r := range extra {
		for k, v := range r.Inputs {
			if l, ok := v.([]any); ok {
				for i := range l {
					l[i] = ids(l[i])
				}
				continue
			}
			r.Inputs[k] = ids(v)
		}
		e.Deployment.Resources = append(e.Deployment.Resources, r)
	}
	return query.NewIndex(e)
}

// openGroup is a security group with inline rules: in from 0.0.0.0/0 on tcp port, out to
// 0.0.0.0/0 on everything.
func openGroup(name, id string, port int) stackstate.Resource {
	return res(contract.TypeSecurityGroup, name, id, map[string]any{
		"vpcId":   contract.TypeVpc + "/network",
		"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": float64(port), "toPort": float64(port), "cidrBlocks": []any{"0.0.0.0/0"}}},
		"egress":  []any{map[string]any{"protocol": "-1", "fromPort": float64(0), "toPort": float64(0), "cidrBlocks": []any{"0.0.0.0/0"}}},
	})
}

// labels lists the paths to or from nodes of a kind, but those to load balancers (with open
// egress a host reaches the BFFs' load balancers like anyone in the VPC:
// TestOpenEgressReachesWhatAdmitsTheWorld) and those from services.
func labels(ix *query.Index, kind contract.NodeKind) []string {
	var out []string
	for _, p := range ix.Reachability() {
		// Nor those from a service: orders, which declares a destination, reaches a host open to
		// the world on 443 as the internet does.
		if (p.From.Kind == kind || p.To.Kind == kind) && p.To.Kind != contract.LoadBalancerNode && p.From.Kind != contract.ServiceNode {
			out = append(out, p.Label()+" "+string(p.Status))
		}
	}
	return out
}

// Instances, network interfaces and inline security-group rules are in the reachability graph:
// each case is a host another program added to dev, and the paths it opens (or none).
func TestHostsAreNodesOfTheGraph(t *testing.T) {
	cases := []struct {
		name  string
		extra []stackstate.Resource
		kind  contract.NodeKind
		want  []string
	}{
		{
			name: "an instance with a public IP in a public subnet, open on 443, is reached from the internet",
			extra: []stackstate.Resource{openGroup("web", "sg-web", 443), res(contract.TypeInstance, "bastion", "i-1", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-public-a", "vpcSecurityGroupIds": []any{"sg-web"}, "associatePublicIpAddress": true})},
			kind: contract.InstanceNode,
			want: []string{"instance bastion -> internet all 0-65535 reachable", "internet -> instance bastion tcp 443 reachable"},
		},
		{
			name: "open on 22 it is not: the public subnet's network ACL admits no 22 from the internet",
			extra: []stackstate.Resource{openGroup("ssh", "sg-ssh", 22), res(contract.TypeInstance, "bastion", "i-1", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-public-a", "vpcSecurityGroupIds": []any{"sg-ssh"}, "associatePublicIpAddress": true})},
			kind: contract.InstanceNode,
			want: []string{"instance bastion -> internet all 0-65535 reachable"},
		},
		{
			name: "dev's public subnets map no public IPs, so an instance that does not ask has no public address",
			extra: []stackstate.Resource{openGroup("web", "sg-web", 443), res(contract.TypeInstance, "bastion", "i-1", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-public-a", "vpcSecurityGroupIds": []any{"sg-web"}})},
			kind: contract.InstanceNode,
		},
		{
			name: "an Elastic IP association makes it public",
			extra: []stackstate.Resource{openGroup("web", "sg-web", 443), res(contract.TypeInstance, "bastion", "i-1", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-public-a", "vpcSecurityGroupIds": []any{"sg-web"}}),
				res(contract.TypeEIPAssoc, "bastion-ip", "eipassoc-1", map[string]any{"instanceId": "i-1", "allocationId": "eipalloc-1"})},
			kind: contract.InstanceNode,
			want: []string{"instance bastion -> internet all 0-65535 reachable", "internet -> instance bastion tcp 443 reachable"},
		},
		{
			name: "in a private subnet a public IP reaches nothing in, and goes out through the NAT gateway",
			extra: []stackstate.Resource{openGroup("ssh", "sg-ssh", 22), res(contract.TypeInstance, "worker", "i-2", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-private-a", "vpcSecurityGroupIds": []any{"sg-ssh"}, "associatePublicIpAddress": true})},
			kind: contract.InstanceNode,
			want: []string{"instance worker -> internet all 0-65535 reachable"},
		},
		{
			name: "an instance whose egress is open reaches the database when its group admits the VPC's CIDR (an inline rule)",
			extra: []stackstate.Resource{openGroup("ssh", "sg-ssh", 22), res(contract.TypeInstance, "worker", "i-2", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-private-a", "vpcSecurityGroupIds": []any{"sg-ssh"}}),
				res(contract.TypeSGRule, "db-from-vpc", "sgr-x", map[string]any{"type": "ingress", "securityGroupId": contract.TypeSecurityGroup + "/db-users-db",
					"protocol": "tcp", "fromPort": float64(5432), "toPort": float64(5432), "cidrBlocks": []any{"10.20.0.0/16"}})},
			kind: contract.InstanceNode,
			want: []string{"instance worker -> database users-db tcp 5432 reachable", "instance worker -> internet all 0-65535 reachable"},
		},
		{
			name: "a network interface with an Elastic IP in a public subnet, open on 3389",
			extra: []stackstate.Resource{openGroup("rdp", "sg-rdp", 3389), res(contract.TypeNetworkInterface, "nic", "eni-1", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-public-b", "securityGroups": []any{"sg-rdp"}}),
				res(contract.TypeEip, "nic-ip", "eipalloc-2", map[string]any{"networkInterface": "eni-1", "domain": "vpc"})},
			kind: contract.InterfaceNode,
			want: []string{"internet -> network-interface nic tcp 3389 reachable", "network-interface nic -> internet all 0-65535 reachable"},
		},
		{
			name: "a group attached to a network interface later counts as its own",
			extra: []stackstate.Resource{openGroup("rdp", "sg-rdp", 3389), res(contract.TypeNetworkInterface, "nic", "eni-1", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-public-b", "securityGroups": []any{}}),
				res(contract.TypeEip, "nic-ip", "eipalloc-2", map[string]any{"networkInterface": "eni-1", "domain": "vpc"}),
				res(contract.TypeNetworkInterfaceSGAttachment, "nic-rdp", "sg-rdp_eni-1", map[string]any{"networkInterfaceId": "eni-1", "securityGroupId": "sg-rdp"})},
			kind: contract.InterfaceNode,
			want: []string{"internet -> network-interface nic tcp 3389 reachable", "network-interface nic -> internet all 0-65535 reachable"},
		},
		{
			name: "without an address a network interface is not reached from the internet, nor reaches it",
			extra: []stackstate.Resource{openGroup("rdp", "sg-rdp", 3389), res(contract.TypeNetworkInterface, "nic", "eni-1", map[string]any{
				"subnetId": contract.TypeSubnet + "/network-public-b", "securityGroups": []any{"sg-rdp"}})},
			kind: contract.InterfaceNode,
		},
		{
			name: "a subnet with no route table association routes through the VPC's main table",
			extra: []stackstate.Resource{openGroup("web", "sg-web", 443),
				res(contract.TypeSubnet, "loose", "subnet-loose", map[string]any{"vpcId": contract.TypeVpc + "/network", "cidrBlock": "10.20.250.0/24"}),
				res(contract.TypeNetworkACLAssoc, "loose-acl", "aclassoc-1", map[string]any{"subnetId": "subnet-loose", "networkAclId": "acl-fa2f9ee9ddfbf3029"}),
				res(contract.TypeRoute, "main-out", "r-1", map[string]any{"routeTableId": "rtb-868f19cc0cf4154e7", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-cbaa0b6ad4157dd1c"}),
				res(contract.TypeInstance, "bastion", "i-1", map[string]any{"subnetId": "subnet-loose", "vpcSecurityGroupIds": []any{"sg-web"}, "associatePublicIpAddress": true})},
			kind: contract.InstanceNode,
			want: []string{"instance bastion -> internet all 0-65535 reachable", "internet -> instance bastion tcp 443 reachable"},
		},
		{
			name: "in a subnet of a VPC the stack does not hold, the paths are unknown",
			extra: []stackstate.Resource{openGroup("web", "sg-web", 443),
				res(contract.TypeSubnet, "foreign", "subnet-foreign", map[string]any{"vpcId": "vpc-elsewhere", "cidrBlock": "10.99.0.0/24"}),
				res(contract.TypeInstance, "bastion", "i-1", map[string]any{"subnetId": "subnet-foreign", "vpcSecurityGroupIds": []any{"sg-web"}, "associatePublicIpAddress": true})},
			kind: contract.InstanceNode,
			want: []string{"instance bastion -> internet all 0-65535 unknown", "internet -> instance bastion tcp 443 unknown"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, labels(devWith(t, tc.extra...), tc.kind))
		})
	}
}

// A host the graph cannot place is reported, never assumed to be unreachable.
func TestHostsTheGraphCannotPlace(t *testing.T) {
	ix := devWith(t,
		res(contract.TypeInstance, "default-vpc", "i-3", map[string]any{"instanceType": "t3.micro"}),
		res(contract.TypeInstance, "templated", "i-4", map[string]any{"subnetId": contract.TypeSubnet + "/network-private-a", "launchTemplate": map[string]any{"id": "lt-1"}}),
		res(contract.TypeInstance, "placed", "i-5", map[string]any{"subnetId": contract.TypeSubnet + "/network-private-a"}),
		res(contract.TypeEIPAssoc, "elsewhere", "eipassoc-2", map[string]any{"instanceId": "i-elsewhere"}),
		res(contract.TypeEip, "nat-ip", "eipalloc-3", map[string]any{"domain": "vpc"}),
	)
	got := map[string]string{}
	for _, ne := range ix.NotEvaluated() {
		got[query.Name(ne.Resource)] = ne.Why
	}
	assert.Contains(t, got["default-vpc"], "default VPC")
	assert.Contains(t, got["templated"], "launch template")
	assert.Contains(t, got["elsewhere"], "this stack does not hold")
	assert.NotContains(t, got, "placed", "an instance in a subnet of the stack is a node")
	assert.NotContains(t, got, "nat-ip", "an address with no instance is only an address")
}

// A host whose egress is open reaches whatever admits the world: the BFFs' load balancers, on
// their two ports, like anything else in the VPC.
func TestOpenEgressReachesWhatAdmitsTheWorld(t *testing.T) {
	ix := devWith(t, openGroup("rdp", "sg-rdp", 3389), res(contract.TypeNetworkInterface, "nic", "eni-1", map[string]any{
		"subnetId": contract.TypeSubnet + "/network-private-a", "securityGroups": []any{"sg-rdp"}}))
	var got []string
	for _, p := range ix.Reachability() {
		if p.From.Kind == contract.InterfaceNode && p.To.Kind == contract.LoadBalancerNode {
			got = append(got, p.Label())
		}
	}
	assert.Equal(t, []string{
		"network-interface nic -> load-balancer mobile-bff-alb tcp 80", "network-interface nic -> load-balancer mobile-bff-alb tcp 443",
		"network-interface nic -> load-balancer web-bff-alb tcp 80", "network-interface nic -> load-balancer web-bff-alb tcp 443",
	}, got)
}
