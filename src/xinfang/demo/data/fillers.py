"""What fills the demo petition templates' slots (data/petitions.py) besides people and numbers: the
county's businesses, projects, estates, roads, schools, hospitals and shops, trades and relatives, the street
addresses people live at, and the openings of a repeat petition."""

# Prefixes a repeat petition puts before the earlier text (重复信访).
REPEAT_OPENINGS = [
    "本人曾于{earlier}反映此事，至今未得到解决，现再次反映：",
    "此前已于{earlier}反映过，问题仍未落实，再次请求处理：",
    "{earlier}反映后，有关部门答复称正在研究，至今没有结果。现再次反映：",
]

COMPANIES = [
    "河南宛建建设工程有限公司",
    "南阳鼎盛建筑劳务有限公司",
    "伏牛县宏达建筑安装有限公司",
    "河南中原路桥工程有限公司",
    "南阳华兴建设集团有限公司",
    "伏牛县顺通劳务服务有限公司",
    "河南博远市政工程有限公司",
    "伏牛县绿野农业开发有限公司",
]
FACTORIES = [
    "伏牛县白河纺织有限公司",
    "伏牛县金源食品有限公司",
    "南阳恒昌新型建材有限公司",
    "伏牛县绿源农副产品加工厂",
    "伏牛县宏发石材厂",
    "伏牛县鑫达塑料制品厂",
    "伏牛县天冠再生资源有限公司",
]
STATE_FACTORIES = ["伏牛县农机修造厂", "伏牛县棉纺厂", "伏牛县酒厂", "伏牛县化肥厂", "伏牛县供销合作社"]
PROJECTS = [
    "伏牛县城南棚户区改造项目",
    "白河湿地公园建设项目",
    "县第二高级中学新校区项目",
    "国道312伏牛段改建工程",
    "伏牛县产业集聚区标准化厂房项目",
    "城关街道老旧小区改造项目",
    "伏牛县人民医院新区项目",
    "滨河路拓宽工程",
]
ESTATES = ["白河湾", "锦绣华府", "伏牛山水城", "盛世名门", "书香苑", "天润城", "阳光新城", "御景花园"]
DEVELOPERS = [
    "伏牛县鸿基房地产开发有限公司",
    "南阳华府置业有限公司",
    "河南锦泰置业有限公司",
    "伏牛县恒通房地产开发有限公司",
]
ROADS = ["人民路", "解放路", "建设路", "滨河路", "伏牛大道", "新华街", "工业路", "文化路"]
SCHOOLS = [
    "县实验小学",
    "城关第一小学",
    "县第一初级中学",
    "白河街道中心小学",
    "县第二高级中学",
    "石桥镇中心小学",
]
HOSPITALS = ["县人民医院", "县中医院", "县妇幼保健院", "石桥镇卫生院", "黄庄镇卫生院", "马店镇中心卫生院"]
SHOPS = [
    "鑫源KTV",
    "好又多超市",
    "悦动健身会所",
    "金色年华美容院",
    "星辰网吧",
    "老街烧烤城",
    "快乐童年培训中心",
]
TRADES = ["钢筋工", "木工", "瓦工", "架子工", "电焊工", "小工"]
RELATIVES = ["父亲", "母亲", "丈夫", "妻子", "儿子", "女儿"]
# Street addresses in the county town, for people living in the 街道 communities.
TOWN_ADDRESSES = ["{road}{number}号院{building}号楼{unit}单元{room}室", "{road}{number}号"]
VILLAGE_ADDRESSES = ["{group}组{number}号", "{group}组"]
