package platform

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A new version of any secret a service reads changes its VAULT_REVISION, hence its task
// definition: ECS then rolls the service onto tasks that read the new value.
func TestRevisionChangesWithAnyVersion(t *testing.T) {
	base := []string{"tls/orders=v1", "identity/verification-key=v1", "app/payments-api-key=v1"}
	r := revisionOf(base)
	assert.Regexp(t, `^[0-9a-f]{16}$`, r)
	assert.Equal(t, r, revisionOf(append([]string(nil), base...)), "the same versions, the same revision")
	for i := range base {
		changed := append([]string(nil), base...)
		changed[i] = changed[i][:len(changed[i])-1] + "2"
		assert.NotEqual(t, r, revisionOf(changed), "a new version of %s", base[i])
	}
}
