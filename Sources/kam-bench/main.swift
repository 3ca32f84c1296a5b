import KamAdvisor
