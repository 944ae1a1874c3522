"""fbnet's scheduled run as an Airflow DAG, for a standalone (or YARN) cluster that the Airflow worker
submits to: the crontab line of deploy/standalone/fbnet.cron, with the same machine layout.

One run at a time: max_active_runs=1 here, and `fbnet run` refuses an output root another run holds the
lock on. No retries: the next scheduled run resumes where a failed one stopped.
Not run here: no Airflow. ScheduledRunsTest checks FBNET_RUN against the launcher's flags.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

FBNET_RUN = (
    "/opt/spark/bin/spark-submit --properties-file /opt/fbnet/conf/spark/standalone.conf"
    " --class org.fbnet.jobs.Fbnet /opt/fbnet/fbnet-jobs-spark.jar"
    " run --input hdfs:///data/nsd --output hdfs:///data/fbnet --conf /etc/fbnet/site.properties"
)

with DAG(
    dag_id="fbnet_run",
    schedule="15 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["fbnet"],
) as dag:
    BashOperator(task_id="fbnet_run", bash_command=FBNET_RUN, retries=0)
