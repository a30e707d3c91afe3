package compute

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// DefaultUserData is the script instances run when Args.UserData is empty: a small service that
// answers the health check path and reports its region.
//
//go:embed userdata/default.sh
var DefaultUserData string

// MaxUserDataBytes is EC2's limit on user data before base64 encoding.
const MaxUserDataBytes = 16 * 1024

// Placeholders the component replaces in any user data script.
const (
	PlaceholderAppPort         = "__APP_PORT__"
	PlaceholderHealthCheckPath = "__HEALTH_CHECK_PATH__"
	PlaceholderRole            = "__ROLE__"
)

// renderUserData fills the placeholders of script (the default one when empty) and returns it
// base64-encoded, as a launch template expects.
func renderUserData(script string, appPort int, healthCheckPath, role string) (string, error) {
	if script == "" {
		script = DefaultUserData
	}
	rendered := strings.NewReplacer(
		PlaceholderAppPort, strconv.Itoa(appPort),
		PlaceholderHealthCheckPath, healthCheckPath,
		PlaceholderRole, role,
	).Replace(script)
	if len(rendered) > MaxUserDataBytes {
		return "", fmt.Errorf("user data is %d bytes; EC2 allows %d", len(rendered), MaxUserDataBytes)
	}
	return base64.StdEncoding.EncodeToString([]byte(rendered)), nil
}
