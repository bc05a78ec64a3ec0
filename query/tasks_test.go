package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestContainersOfDev(t *testing.T) {
	ix, _ := dev(t)
	for _, td := range ix.OfType(contract.TypeTaskDefinition) {
		cs, err := query.Containers(td)
		require.NoError(t, err)
		require.Len(t, cs, 1, query.Name(td))
		c := cs[0]
		assert.True(t, c.NonRoot(), query.Name(td))
		assert.Equal(t, 1024, c.LowestBindablePort())
		if query.Tags(td)[contract.MigrationTag] != "" {
			assert.Empty(t, c.LowestPorts(), "a migration task listens on no port")
			continue
		}
		assert.Equal(t, []int{8443}, c.LowestPorts())
	}
}

func TestContainerUser(t *testing.T) {
	cases := []struct {
		user, uid, gid string
		nonRoot        bool
		lowest         int
	}{
		{"", "", "", false, 0},
		{"root", "root", "", false, 0},
		{"00:00", "0", "0", false, 0},
		{"10001:10001", "10001", "10001", true, 1024},
		{"app:staff", "app", "staff", true, 1024},
	}
	for _, tc := range cases {
		c := query.Container{User: tc.user}
		assert.Equal(t, tc.uid, c.UID(), tc.user)
		assert.Equal(t, tc.gid, c.GID(), tc.user)
		assert.Equal(t, tc.nonRoot, c.NonRoot(), tc.user)
		assert.Equal(t, tc.lowest, c.LowestBindablePort(), tc.user)
	}
	c := query.Container{User: "10001"}
	c.SystemControls = append(c.SystemControls, struct {
		Namespace string `json:"namespace"`
		Value     string `json:"value"`
	}{"net.ipv4.ip_unprivileged_port_start", "443"})
	assert.Equal(t, 443, c.LowestBindablePort())
}
