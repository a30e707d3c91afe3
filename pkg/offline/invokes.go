package offline

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// answerInvoke fails every data-source call. The program is statically stable: a preview or an
// update reads nothing from AWS, so every value comes from the stack config or a table in code
// (see pkg/awsenv). Answering no lookup here means a new one cannot slip back in unnoticed: plan,
// guardrails and every test fail on it.
func answerInvoke(token string, _ resource.PropertyMap, region string) (resource.PropertyMap, error) {
	where := ""
	if region != "" {
		where = " in " + region
	}
	return nil, fmt.Errorf("offline: data source %s called%s: the program makes no lookups during preview or update "+
		"(static stability); take the value from the stack config or a table in code (pkg/awsenv)", token, where)
}
