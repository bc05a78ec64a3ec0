package platform_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/network/netplan"
	"github.com/secure-vpc/secure-vpc/platform"
)

// withEgress is a generated dev stack (NAT in one zone) in which the first n private services
// declare one egress destination each.
func withEgress(t *testing.T, n int) platform.Source {
	t.Helper()
	src := testkit.GeneratedSource(netplan.MaxEgressServices + 4)
	src.Values["secure-vpc:network"] = `{"cidr":"10.50.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b","eu-west-1c"],"natGateways":"single"}`
	var services map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(src.Values["secure-vpc:services"]), &services))
	given := 0
	for name, svc := range services {
		if strings.HasPrefix(name, "svc-") && given < n {
			svc["egress"] = []string{"api.example.com"}
			given++
		}
	}
	require.Equal(t, n, given)
	data, err := json.Marshal(services)
	require.NoError(t, err)
	src.Values["secure-vpc:services"] = string(data)
	return src
}

// The DNS Firewall's rule group has priorities for netplan.MaxEgressServices services with
// egress: one more is a config error naming secure-vpc:services, not a component error in Build.
func TestLoadRefusesMoreEgressServicesThanTheDNSFirewallFits(t *testing.T) {
	t.Parallel()
	_, err := platform.Load(withEgress(t, netplan.MaxEgressServices+1))
	var cfgErr *platform.ConfigError
	require.True(t, errors.As(err, &cfgErr), "want a config error, got %v", err)
	var msgs []string
	for _, p := range cfgErr.Problems {
		if p.Key == "secure-vpc:services" {
			msgs = append(msgs, p.Message)
		}
	}
	require.Len(t, msgs, 1, "%v", err)
	assert.Contains(t, msgs[0], "99 services declare egress, and the DNS Firewall's rule group has room for at most 98")

	_, err = platform.Load(withEgress(t, netplan.MaxEgressServices))
	assert.NoError(t, err, "as many as fit load")
}

// A deploying role runs pulumi up in the stack's account and is the only principal the secrets
// and the signing key let change them: one of another account is a config error before anything
// is registered. An image-pushing role of another account is accepted (a cross-account push).
func TestDeployRoleOfAnotherAccountRegistersNothing(t *testing.T) {
	t.Parallel()
	src := testkit.Source(t, "dev")
	src.Values["secure-vpc:deploy"] = `{"roleArns":["arn:aws:iam::123456789012:role/secure-vpc-deploy-dev","arn:aws:iam::210987654321:role/ci-deploy"]}`
	cloud, err := testkit.Run(t, src)
	var cfgErr *platform.ConfigError
	require.True(t, errors.As(err, &cfgErr), "want a config error, got %v", err)
	require.Len(t, cfgErr.Problems, 1)
	assert.Equal(t, "secure-vpc:deploy.roleArns", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "arn:aws:iam::210987654321:role/ci-deploy is a role of account 210987654321, but the stack deploys to account 123456789012")
	for _, r := range cloud.Records() {
		assert.False(t, r.Custom, "config errors must come before any resource: %s was registered", r.URN)
	}

	src = testkit.Source(t, "dev")
	src.Values["secure-vpc:deploy"] = `{"roleArns":["arn:aws:iam::123456789012:role/secure-vpc-deploy-dev"],"imagePushRoleArns":["arn:aws:iam::210987654321:role/ci-build"]}`
	_, err = testkit.Run(t, src)
	assert.NoError(t, err, "another account's CI role may push images")
}
