package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// The effective paths of dev, AWS interface endpoints aside: exactly the declared graph, the
// internet to the BFF load balancers, each BFF's load balancer to it, the stores' users to them,
// the database's migration task to it, and every task to S3 through the gateway endpoint; in the order of their identities (kind
// and name of each end, then protocol and ports, as numbers).
func TestReachabilityOfDev(t *testing.T) {
	ix, _ := dev(t)
	var got []string
	interfaces := map[string]int{}
	for _, p := range ix.Reachability() {
		require.Equal(t, contract.PathReachable, p.Status, p.Label())
		if p.To.Kind == contract.EndpointNode && !p.To.Gateway {
			interfaces[p.From.Name]++
			continue
		}
		got = append(got, p.Label())
	}
	assert.Equal(t, []string{
		"internet -> load-balancer mobile-bff-alb tcp 80",
		"internet -> load-balancer mobile-bff-alb tcp 443",
		"internet -> load-balancer web-bff-alb tcp 80",
		"internet -> load-balancer web-bff-alb tcp 443",
		"load-balancer mobile-bff-alb -> mobile-bff tcp 8443",
		"load-balancer web-bff-alb -> web-bff tcp 8443",
		"users-db-migration -> database users-db tcp 5432",
		"users-db-migration -> endpoint s3 (gateway) tcp 443",
		"mobile-bff -> cache sessions tcp 6379",
		"mobile-bff -> endpoint s3 (gateway) tcp 443",
		"mobile-bff -> users tcp 8443",
		"orders -> endpoint s3 (gateway) tcp 443",
		// orders declares a destination: HTTPS to any address, the BFFs' load balancers included.
		"orders -> internet tcp 443",
		"orders -> load-balancer mobile-bff-alb tcp 443",
		"orders -> load-balancer web-bff-alb tcp 443",
		"orders -> users tcp 8443",
		"users -> database users-db tcp 5432",
		"users -> endpoint s3 (gateway) tcp 443",
		"web-bff -> cache sessions tcp 6379",
		"web-bff -> endpoint s3 (gateway) tcp 443",
		"web-bff -> orders tcp 8443",
		"web-bff -> users tcp 8443",
	}, got)
	assert.Equal(t, map[string]int{"mobile-bff": 6, "orders": 6, "users": 6, "web-bff": 6, "users-db-migration": 6}, interfaces,
		"every service, and the migration task, reaches the six interface endpoints")
	assert.Same(t, &ix.Reachability()[0], &ix.Reachability()[0], "computed once")
}

func TestNodesOfDev(t *testing.T) {
	ix, _ := dev(t)
	kinds := map[contract.NodeKind][]string{}
	for _, n := range ix.Nodes() {
		kinds[n.Kind] = append(kinds[n.Kind], n.Name)
		assert.NotEmpty(t, n.Groups, n.Label())
		assert.NotEmpty(t, n.Subnets, n.Label())
	}
	assert.ElementsMatch(t, []string{"web-bff", "mobile-bff", "users", "orders"}, kinds[contract.ServiceNode])
	assert.ElementsMatch(t, []string{"web-bff-alb", "mobile-bff-alb"}, kinds[contract.LoadBalancerNode])
	assert.Equal(t, []string{"users-db"}, kinds[contract.DatabaseNode])
	assert.Equal(t, []string{"sessions"}, kinds[contract.CacheNode])
	assert.ElementsMatch(t, []string{"secretsmanager", "kms", "ecr.api", "ecr.dkr", "logs", "sts"}, kinds[contract.EndpointNode])

	gw := query.Node{Kind: contract.EndpointNode, Name: "s3", Gateway: true}
	assert.Equal(t, "endpoint s3 (gateway)", gw.Label())
	assert.Equal(t, "s3 (gateway)", gw.DisplayName())
	assert.Equal(t, "internet", query.Node{Kind: contract.InternetNode, Name: "internet"}.Label())
}

// A security group the stack does not hold makes a path unknown, never assumed safe.
func TestUnknownGroupMakesAnUnknownPath(t *testing.T) {
	_, e := dev(t)
	for i, r := range e.Deployment.Resources {
		if r.Type == contract.TypeECSService && query.Name(&e.Deployment.Resources[i]) == "orders" {
			nc := r.Inputs["networkConfiguration"].(map[string]any)
			nc["securityGroups"] = append(nc["securityGroups"].([]any), "sg-elsewhere")
		}
	}
	var unknown []query.Path
	for _, p := range query.NewIndex(e).Reachability() {
		if p.Status == contract.PathUnknown {
			unknown = append(unknown, p)
		}
	}
	require.Len(t, unknown, 1)
	assert.Equal(t, "orders", unknown[0].From.Name)
	assert.Equal(t, contract.UnknownNode, unknown[0].To.Kind)
	assert.Contains(t, unknown[0].Why, "sg-elsewhere")
}

func TestEndpointName(t *testing.T) {
	for _, tc := range []struct{ serviceName, want string }{
		{"com.amazonaws.eu-west-1.s3", "s3"},
		{"com.amazonaws.eu-west-1.ecr.api", "ecr.api"},
		{"com.amazonaws.eu-west-1.ecr.dkr", "ecr.dkr"},
		{"com.amazonaws.us-east-1.secretsmanager", "secretsmanager"},
		{"com.amazonaws.eu-west-1.ecr.other", "ecr.other"},
		{"com.amazonaws.eu-west-1.dynamodb", "dynamodb"},
	} {
		assert.Equal(t, tc.want, query.EndpointName(tc.serviceName), tc.serviceName)
	}
	// Every endpoint of dev is named by the list the network writes and NET-07 requires.
	ix, _ := dev(t)
	var names []string
	for _, ep := range ix.OfType(contract.TypeVpcEndpoint) {
		name := query.EndpointName(query.Str(ep, "serviceName"))
		names = append(names, name)
		assert.Equal(t, name == contract.S3GatewayEndpoint, query.IsGatewayEndpoint(ep), name)
		assert.Equal(t, name != contract.S3GatewayEndpoint, query.IsInterfaceEndpoint(ep), name)
	}
	assert.ElementsMatch(t, append([]string{contract.S3GatewayEndpoint}, contract.InterfaceEndpoints...), names)
}

// The network configuration of dev's services, and the declared users and port of its stores,
// as SVC-01, REACH-02, DATA-03 and the create order read them.
func TestServiceNetworkAndStoreNodesOfDev(t *testing.T) {
	ix, _ := dev(t)
	for _, svc := range ix.OfType(contract.TypeECSService) {
		net := query.NetworkOf(svc)
		assert.True(t, net.Declared, query.Name(svc))
		assert.False(t, net.PublicIP, query.Name(svc))
		assert.Len(t, net.Subnets, 2, query.Name(svc))
		for _, id := range net.Subnets {
			assert.Equal(t, contract.Private, query.Tier(ix.Ref(id)), query.Name(svc))
		}
		require.NotEmpty(t, net.Groups, query.Name(svc))
		assert.Equal(t, query.ServiceName(svc), ix.ServiceOfGroup(net.Groups[0]), query.Name(svc))
	}
	stores := map[string]query.Node{}
	for _, n := range ix.Nodes() {
		if n.Kind == contract.DatabaseNode || n.Kind == contract.CacheNode {
			stores[n.Name] = n
		}
	}
	assert.Equal(t, []string{"users"}, stores["users-db"].Declared)
	assert.Equal(t, 5432, stores["users-db"].Port)
	assert.Equal(t, []string{"mobile-bff", "web-bff"}, stores["sessions"].Declared)
	assert.Equal(t, 6379, stores["sessions"].Port)
	for _, a := range ix.StoreAccesses() {
		n := stores[query.Name(a.Store)]
		assert.Equal(t, n.Declared, a.Declared, "one definition of the declared users")
		assert.Equal(t, n.Port, a.Port, "one definition of the port")
	}

	svc := res(contract.TypeECSService, "svc", "svc-1", map[string]any{})
	assert.Equal(t, query.ServiceNetwork{}, query.NetworkOf(&svc), "no network configuration")
}

func TestStorePortDefaults(t *testing.T) {
	db := res(contract.TypeDBInstance, "db", "db-1", map[string]any{})
	cache := res(contract.TypeCache, "c", "c-1", map[string]any{})
	custom := res(contract.TypeDBInstance, "db", "db-2", map[string]any{"port": float64(6543)})
	other := res(contract.TypeBucket, "b", "b", map[string]any{})
	assert.Equal(t, []int{5432, 6379, 6543, 0}, []int{query.StorePort(&db), query.StorePort(&cache), query.StorePort(&custom), query.StorePort(&other)})
}
