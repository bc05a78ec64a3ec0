package rolepolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func TestTaskTrustPolicy(t *testing.T) {
	doc := TaskTrustPolicy("123456789012", "eu-west-1")
	st := doc.Statement[0]
	assert.Equal(t, []string{"ecs-tasks.amazonaws.com"}, st.Principals()["Service"])
	assert.Equal(t, []string{"sts:AssumeRole"}, st.Action)
	assert.Equal(t, "123456789012", st.Condition["StringEquals"]["aws:SourceAccount"], "only this account's tasks")
	assert.Equal(t, "arn:aws:ecs:eu-west-1:123456789012:*", st.Condition["ArnLike"]["aws:SourceArn"])
	assert.Empty(t, st.Resource)
	_, err := policydoc.Document(doc).JSON()
	assert.NoError(t, err)
}
