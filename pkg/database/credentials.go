package database

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
)

// PasswordSpecials are the only non-alphanumeric characters of the master password: RFC 3986
// unreserved characters, safe unescaped in a postgres:// or mysql:// URL, a libpq keyword=value
// string, a JDBC URL and a shell, and none of the / @ " ' and space RDS or connection strings refuse.
const PasswordSpecials = "-_.~"

// newPassword is the master password: random, kept secret in state, never in a plain output.
func newPassword(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*random.RandomPassword, error) {
	return random.NewRandomPassword(ctx, name, &random.RandomPasswordArgs{
		Length:          pulumi.Int(32),
		Special:         pulumi.Bool(true),
		OverrideSpecial: pulumi.String(PasswordSpecials),
		MinLower:        pulumi.Int(1),
		MinUpper:        pulumi.Int(1),
		MinNumeric:      pulumi.Int(1),
		MinSpecial:      pulumi.Int(1),
	}, append(opts, pulumi.Provider(args.RandomProvider))...)
}

// secretDocument is the JSON the credentials secret holds: what an application in either region
// needs to connect (the shape AWS's RDS rotation functions use).
type secretDocument struct {
	Engine   string `json:"engine"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Username string `json:"username"`
	Password string `json:"password"`
	DBName   string `json:"dbname"`
}

// secretJSON renders the secret document.
func secretJSON(engine, host, username, password, dbname string) string {
	b, err := json.Marshal(secretDocument{
		Engine: dbspec.SecretEngine(engine), Host: host, Port: dbspec.Port(engine),
		Username: username, Password: password, DBName: dbname,
	})
	if err != nil {
		panic("database: " + err.Error()) // plain strings and ints always marshal
	}
	return string(b)
}

// newSecret stores the credentials in Secrets Manager in the home region, encrypted with the home
// region's key, and replicated to the other region under that region's key. The host is the global
// writer endpoint, which AWS moves to the writer on every switchover and failover, so the secret
// stays right without a deployment; until AWS reports that endpoint, the writer cluster's endpoint.
func newSecret(ctx *pulumi.Context, name string, home, other *regional, global *rds.GlobalCluster, writer *rds.Cluster,
	password pulumi.StringOutput, args *Args) (*secretsmanager.Secret, error) {
	recovery := 7
	if args.Protect {
		recovery = 30
	}
	secret, err := secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{
		Description:          pulumi.Sprintf("Master credentials of the Aurora global database %s (JSON: engine, host, port, username, password, dbname)", name),
		KmsKeyId:             home.key.Arn,
		RecoveryWindowInDays: pulumi.Int(recovery),
		Replicas: secretsmanager.SecretReplicaArray{secretsmanager.SecretReplicaArgs{
			Region:   pulumi.String(other.args.Region),
			KmsKeyId: other.key.Arn,
		}},
		Tags: nameTag(name),
	}, home.opts...)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	document := pulumi.All(global.Endpoint, writer.Endpoint, password).ApplyT(func(v []any) string {
		host := v[0].(string)
		if host == "" {
			host = v[1].(string)
		}
		return secretJSON(args.Engine, host, args.MasterUsername, v[2].(string), args.DatabaseName)
	}).(pulumi.StringOutput)
	if _, err := secretsmanager.NewSecretVersion(ctx, name+"-value", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(document).(pulumi.StringOutput),
	}, home.opts...); err != nil {
		return nil, fmt.Errorf("secret value: %w", err)
	}
	return secret, nil
}

// secretArnIn is the ARN of a replicated secret in region: AWS keeps the name and suffix and
// changes only the region ("arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf").
func secretArnIn(arn, region string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return arn
	}
	parts[3] = region
	return strings.Join(parts, ":")
}
