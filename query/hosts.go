package query

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// Hosts: EC2 instances and network interfaces. The program writes none, but a stack changed by
// hand or by another program may hold them, and each is a place traffic can start or end. An
// instance is a node through its own subnet and groups; a network interface the stack declares
// is a node of its own, with the groups it is created with and those attached to it later
// (ec2.NetworkInterfaceSecurityGroupAttachment).

// elasticIPTargets are the ids of the instances and network interfaces that hold an Elastic IP,
// through the address itself (ec2.Eip instance / networkInterface) or an association
// (ec2.EipAssociation instanceId / networkInterfaceId).
func (ix *Index) elasticIPTargets() map[string]bool {
	out := map[string]bool{}
	for _, eip := range ix.OfType(contract.TypeEip) {
		for _, key := range []string{"instance", "networkInterface"} {
			if id := Str(eip, key); id != "" {
				out[id] = true
			}
		}
	}
	for _, a := range ix.OfType(contract.TypeEIPAssoc) {
		for _, key := range []string{"instanceId", "networkInterfaceId"} {
			if id := Str(a, key); id != "" {
				out[id] = true
			}
		}
	}
	return out
}

// attachedGroups are the security groups attached to a network interface after its creation.
func (ix *Index) attachedGroups(eniID string) []string {
	var out []string
	for _, a := range ix.Where(contract.TypeNetworkInterfaceSGAttachment, "networkInterfaceId", eniID) {
		out = append(out, Str(a, "securityGroupId"))
	}
	return out
}

// instanceNodes are the instances and spot instance requests that launch into a subnet of their
// own. One that launches through network interfaces it names is reached through those
// interfaces' nodes; one with neither is not evaluated (hostNotEvaluated).
//
// An instance has a public address when AWS reports one (publicIp), when it asks for one
// (associatePublicIpAddress), when it leaves that unset in a subnet that maps public IPs on
// launch or that the stack does not hold (unknown counts as public, so the path is decided by
// the subnet, never assumed away), or when an Elastic IP is associated with it.
func (ix *Index) instanceNodes(eips map[string]bool) []Node {
	var out []Node
	for _, inst := range ix.OfType(contract.TypeInstance, contract.TypeSpotInstanceRequest) {
		subnetID := Str(inst, "subnetId")
		if _, launchTemplate := Prop(inst, "launchTemplate"); subnetID == "" || launchTemplate {
			continue
		}
		public := Str(inst, "publicIp") != "" || eips[inst.ID]
		if asked, set := Bool(inst, "associatePublicIpAddress"); set {
			public = public || asked
		} else if subnet := ix.Ref(subnetID); subnet == nil {
			public = true
		} else if maps, _ := Bool(subnet, "mapPublicIpOnLaunch"); maps {
			public = true
		}
		groups := append(Strings(inst, "vpcSecurityGroupIds"), Strings(inst, "securityGroups")...)
		if eni := Str(inst, "primaryNetworkInterfaceId"); eni != "" {
			groups = append(groups, ix.attachedGroups(eni)...)
		}
		slices.Sort(groups)
		out = append(out, Node{Kind: contract.InstanceNode, Name: Name(inst), Public: public, URN: inst.URN, Tags: Tags(inst),
			Groups: slices.Compact(groups), Subnets: []string{subnetID}})
	}
	return out
}

// interfaceNodes are the network interfaces the stack declares. An interface has a public
// address when an Elastic IP is associated with it, or when it is the first interface (device
// index 0) of an instance that has one.
func (ix *Index) interfaceNodes(eips map[string]bool) []Node {
	primaryOfPublic := map[string]bool{}
	for _, inst := range ix.OfType(contract.TypeInstance, contract.TypeSpotInstanceRequest) {
		asked, _ := Bool(inst, "associatePublicIpAddress")
		if !eips[inst.ID] && !asked && Str(inst, "publicIp") == "" {
			continue
		}
		for _, x := range List(inst, "networkInterfaces") {
			if m, _ := x.(map[string]any); m != nil && ToInt(m["deviceIndex"]) == 0 {
				id, _ := m["networkInterfaceId"].(string)
				primaryOfPublic[id] = true
			}
		}
	}
	var out []Node
	for _, eni := range ix.OfType(contract.TypeNetworkInterface) {
		groups := append(Strings(eni, "securityGroups"), ix.attachedGroups(eni.ID)...)
		slices.Sort(groups)
		out = append(out, Node{Kind: contract.InterfaceNode, Name: Name(eni), Public: eips[eni.ID] || primaryOfPublic[eni.ID], URN: eni.URN, Tags: Tags(eni),
			Groups: slices.Compact(groups), Subnets: []string{Str(eni, "subnetId")}})
	}
	return out
}

// hostNotEvaluated says why a host or address resource cannot be placed in the reachability
// graph ("" when it can): an instance that launches from a launch template or into the default
// VPC, or an address, interface or attachment whose other end the stack does not hold.
func (ix *Index) hostNotEvaluated(r *Resource) string {
	missing := func(key string) bool { id := Str(r, key); return id != "" && ix.Ref(id) == nil }
	switch r.Type {
	case contract.TypeInstance, contract.TypeSpotInstanceRequest:
		if _, lt := Prop(r, "launchTemplate"); lt {
			return "an EC2 instance launched from a launch template: its network settings are not analysed"
		}
		if Str(r, "subnetId") == "" {
			for _, x := range List(r, "networkInterfaces") {
				m, _ := x.(map[string]any)
				if id, _ := m["networkInterfaceId"].(string); id != "" && ix.Ref(id) != nil {
					return "" // reached through the network interfaces it names
				}
			}
			return "an EC2 instance with no subnet and no network interface of this stack: it launches into the default VPC, which the analysis does not see"
		}
	case contract.TypeEip:
		if missing("instance") || missing("networkInterface") {
			return "an Elastic IP for an instance or network interface this stack does not hold"
		}
	case contract.TypeEIPAssoc:
		if missing("instanceId") || missing("networkInterfaceId") || (Str(r, "instanceId") == "" && Str(r, "networkInterfaceId") == "") {
			return "an Elastic IP association with an instance or network interface this stack does not hold"
		}
	case contract.TypeNetworkInterfaceAttachment, contract.TypeNetworkInterfaceSGAttachment:
		if missing("networkInterfaceId") {
			return "an attachment to a network interface this stack does not hold"
		}
	}
	return ""
}
