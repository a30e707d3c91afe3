package policy

// Type tokens of the AWS resources the rules read (pulumi-aws v6).
const (
	TypeKmsKey            = "aws:kms/key:Key"
	TypeSnsTopic          = "aws:sns/topic:Topic"
	TypeLogGroup          = "aws:cloudwatch/logGroup:LogGroup"
	TypeSecret            = "aws:secretsmanager/secret:Secret"
	TypeEbsVolume         = "aws:ebs/volume:Volume"
	TypeInstance          = "aws:ec2/instance:Instance"
	TypeBucketV2          = "aws:s3/bucketV2:BucketV2"
	TypeBucket            = "aws:s3/bucket:Bucket"
	TypeBucketEncryption  = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeBucketPublicBlock = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeBucketPolicy      = "aws:s3/bucketPolicy:BucketPolicy"

	TypeVpc                  = "aws:ec2/vpc:Vpc"
	TypeFlowLog              = "aws:ec2/flowLog:FlowLog"
	TypeSecurityGroup        = "aws:ec2/securityGroup:SecurityGroup"
	TypeDefaultSecurityGroup = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	TypeSecurityGroupRule    = "aws:ec2/securityGroupRule:SecurityGroupRule"
	TypeIngressRule          = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	TypeEgressRule           = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	TypeSubnet               = "aws:ec2/subnet:Subnet"
	TypeNetworkAcl           = "aws:ec2/networkAcl:NetworkAcl"
	TypeDefaultNetworkAcl    = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	TypeNetworkAclRule       = "aws:ec2/networkAclRule:NetworkAclRule"
	TypeNetworkAclAssoc      = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
	TypeRouteTable           = "aws:ec2/routeTable:RouteTable"
	TypeDefaultRouteTable    = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	TypeRoute                = "aws:ec2/route:Route"
	TypeRouteTableAssoc      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	TypeInternetGateway      = "aws:ec2/internetGateway:InternetGateway"
	TypeNatGateway           = "aws:ec2/natGateway:NatGateway"

	TypeLaunchTemplate   = "aws:ec2/launchTemplate:LaunchTemplate"
	TypeLoadBalancer     = "aws:lb/loadBalancer:LoadBalancer"
	TypeAlbLoadBalancer  = "aws:alb/loadBalancer:LoadBalancer"
	TypeListener         = "aws:lb/listener:Listener"
	TypeAlbListener      = "aws:alb/listener:Listener"
	TypeListenerRule     = "aws:lb/listenerRule:ListenerRule"
	TypeAlbListenerRule  = "aws:alb/listenerRule:ListenerRule"
	TypeAutoscalingGroup = "aws:autoscaling/group:Group"

	TypeRdsCluster         = "aws:rds/cluster:Cluster"
	TypeRdsClusterInstance = "aws:rds/clusterInstance:ClusterInstance"
	TypeRdsGlobalCluster   = "aws:rds/globalCluster:GlobalCluster"
	TypeRdsSubnetGroup     = "aws:rds/subnetGroup:SubnetGroup"
	TypeRdsClusterParams   = "aws:rds/clusterParameterGroup:ClusterParameterGroup"

	TypeBackupVault    = "aws:backup/vault:Vault"
	TypeConfigDelivery = "aws:cfg/deliveryChannel:DeliveryChannel"

	TypeDistribution      = "aws:cloudfront/distribution:Distribution"
	TypeLogDeliverySource = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
	TypeLogDelivery       = "aws:cloudwatch/logDelivery:LogDelivery"
	TypeWebAcl            = "aws:wafv2/webAcl:WebAcl"
	TypeWebAclLogging     = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
)

var (
	loadBalancerTypes = []string{TypeLoadBalancer, TypeAlbLoadBalancer}
	listenerTypes     = []string{TypeListener, TypeAlbListener}
	listenerRuleTypes = []string{TypeListenerRule, TypeAlbListenerRule}
	bucketTypes       = []string{TypeBucketV2, TypeBucket}
)
